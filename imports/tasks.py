"""The Celery tasks of imports: an import run, and the drop folder's pick-up (Celery beat)."""

from celery import shared_task

from camhs_pbr.runs.tasks import run_task
from imports import services
from imports.models import ImportRun


@run_task(ImportRun)
def import_extract(run_id: int) -> None:
    """Run the import run `run_id` (a delivery after a lost worker runs it again, to the same result)."""
    services.run_import(run_id)


@shared_task
def pick_up_drop_folder() -> int:
    """Queue an import of each extract waiting in IMPORT_DROP_DIR/<ODS code>/; returns how many."""
    from imports import drop_folder

    return drop_folder.pick_up()
