from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        # The dashboard's and the data-quality checks' case sets register themselves in reports.case_sets.
        from reports import dashboard, data_quality  # noqa: F401
