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
        registry.register(registry.RunKind(LabRun, tasks.fit_lab_run, Action.REQUEST_LAB_RUN, record))
