from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        # The dashboard's case sets register themselves in reports.case_sets on import.
        from reports import dashboard  # noqa: F401
