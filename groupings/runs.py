"""State changes of a bulk re-grouping run's record, made by its Celery tasks (writes only, no queueing)."""

from django.db.models import F
from django.utils import timezone

from groupings.models import RegroupingRun, RunStatus


def begin(run_id: int, *, cases: int, chunks: int) -> None:
    """Mark the run started over `cases` open cases in `chunks` chunks (done at once when there are none)."""
    now = timezone.now()
    RegroupingRun.objects.filter(pk=run_id).update(
        status=RunStatus.RUNNING if chunks else RunStatus.DONE,
        started_at=now,
        finished_at=None if chunks else now,
        cases=cases,
        chunks_total=chunks,
        chunks_done=0,
        views_grouped=0,
    )


def chunk_done(run_id: int, *, views: int) -> None:
    """Count one finished chunk; the last one marks the run done."""
    RegroupingRun.objects.filter(pk=run_id).update(
        chunks_done=F("chunks_done") + 1, views_grouped=F("views_grouped") + views
    )
    RegroupingRun.objects.filter(pk=run_id, status=RunStatus.RUNNING, chunks_done=F("chunks_total")).update(
        status=RunStatus.DONE, finished_at=timezone.now()
    )


def failed(run_id: int, error: BaseException) -> None:
    RegroupingRun.objects.filter(pk=run_id).update(status=RunStatus.FAILED, error=repr(error)[:2000])
