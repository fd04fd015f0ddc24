from django.apps import AppConfig


class LabConfig(AppConfig):
    name = "lab"
    verbose_name = "Algorithm lab"

    def ready(self) -> None:
        from groupings import allocation_help
        from lab.allocation_help import estimate

        allocation_help.add_estimator("lab_classifier", estimate)
