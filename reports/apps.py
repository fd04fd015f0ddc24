from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        # The report kinds register themselves (and so the choices of a run's `report`) in reports.kinds.
        from reports import kinds  # noqa: F401

        _register_run_kind()


def _register_run_kind() -> None:
    from accounts.audit import Action, record
    from camhs_pbr.runs import registry
    from reports import tasks
    from reports.models import ReportRun

    registry.register(registry.RunKind(ReportRun, tasks.run_report, Action.REQUEST_REPORT_RUN, record))
