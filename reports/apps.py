from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        # The report kinds register themselves (and so the choices of a run's `report`) in reports.kinds.
        from reports import kinds  # noqa: F401
