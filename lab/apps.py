from django.apps import AppConfig


class LabConfig(AppConfig):
    name = "lab"
    verbose_name = "Algorithm lab"

    def ready(self) -> None:
        from accounts.audit import Action, record
        from camhs_pbr.runs import registry
        from groupings import allocation_help
        from lab import tasks
        from lab.allocation_help import estimate
        from lab.models import LabRun

        allocation_help.add_estimator("lab_classifier", estimate)
        registry.register(
            registry.RunKind(
                model=LabRun,
                start=tasks.fit_lab_run,
                audit=lambda run, by, outcome: record(
                    Action.REQUEST_LAB_RUN, by=by, target=run, outcome=outcome
                ),
            )
        )
