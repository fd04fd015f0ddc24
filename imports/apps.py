from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = "Records from the records system"

    def ready(self) -> None:
        from accounts.audit import Action, record
        from camhs_pbr.runs import registry
        from imports import tasks
        from imports.models import ImportRun

        registry.register(registry.RunKind(ImportRun, tasks.import_extract, Action.REQUEST_IMPORT, record))
