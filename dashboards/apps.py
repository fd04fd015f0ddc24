from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Dashboards"

    def ready(self) -> None:
        # The dashboard's and the data-quality checks' case sets register themselves in dashboards.case_sets.
        from dashboards import cases, data_quality  # noqa: F401
