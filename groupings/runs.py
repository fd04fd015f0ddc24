"""State changes of a bulk re-grouping run's record, made by its Celery tasks and its reaper (writes only,
no queueing). A chunk's progress is recorded by its id range, so a chunk delivered twice counts once."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from groupings.models import RegroupingChunk, RegroupingRun, RunStatus

UNFINISHED = (RunStatus.QUEUED, RunStatus.RUNNING)


def begin(run_id: int, *, cases: int, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Mark a queued run started over `cases` open cases in the chunks `bounds` (done at once when there are
    none) and return the chunks to queue; a start delivered again returns the chunks not yet done."""
    now = timezone.now()
    with transaction.atomic():
        run = RegroupingRun.objects.select_for_update().get(pk=run_id)
        if run.status not in UNFINISHED:
            return []
        if run.status == RunStatus.QUEUED:
            RegroupingChunk.objects.bulk_create(
                RegroupingChunk(run_id=run_id, first_case_id=first, last_case_id=last)
                for first, last in bounds
            )
            RegroupingRun.objects.filter(pk=run_id).update(
                status=RunStatus.RUNNING if bounds else RunStatus.DONE,
                started_at=now,
                finished_at=None if bounds else now,
                progress_at=now,
                cases=cases,
                chunks_total=len(bounds),
                chunks_done=0,
                views_grouped=0,
            )
        return unfinished_chunks(run_id)


def unfinished_chunks(run_id: int) -> list[tuple[int, int]]:
    chunks = RegroupingChunk.objects.filter(run_id=run_id, done_at__isnull=True).order_by("first_case_id")
    return list(chunks.values_list("first_case_id", "last_case_id"))


def is_running(run_id: int) -> bool:
    return RegroupingRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).exists()


def chunk_started(run_id: int) -> None:
    RegroupingRun.objects.filter(pk=run_id).update(progress_at=timezone.now())


def chunk_done(run_id: int, *, first_case_id: int, views: int) -> bool:
    """Count the chunk starting at `first_case_id` once (False if it was already counted); the last one marks
    the run done. Call it in the transaction that stored the chunk's suggestions."""
    now = timezone.now()
    with transaction.atomic():
        counted = RegroupingChunk.objects.filter(
            run_id=run_id, first_case_id=first_case_id, done_at__isnull=True
        ).update(done_at=now, views=views)
        if not counted:
            return False
        RegroupingRun.objects.filter(pk=run_id).update(
            chunks_done=F("chunks_done") + 1, views_grouped=F("views_grouped") + views, progress_at=now
        )
        RegroupingRun.objects.filter(
            pk=run_id, status=RunStatus.RUNNING, chunks_done=F("chunks_total")
        ).update(status=RunStatus.DONE, finished_at=now)
    return True


def failed(run_id: int, reason: str) -> None:
    """Mark an unfinished run failed with the reason shown to its user."""
    RegroupingRun.objects.filter(pk=run_id, status__in=UNFINISHED).update(
        status=RunStatus.FAILED, error=reason[:2000], finished_at=timezone.now()
    )


@dataclass(frozen=True)
class Requeue:
    """What the reaper queues again for one run: its start (it never started) or its unfinished chunks."""

    run_id: int
    chunks: list[tuple[int, int]]

    @property
    def start(self) -> bool:
        return not self.chunks


def reap(*, quiet_for: dt.timedelta, limit: int) -> list[Requeue]:
    """Runs queued or running with no progress for `quiet_for`: each re-queued fewer than `limit` times is
    counted as re-queued once more and returned; the others are marked failed with the reason."""
    now = timezone.now()
    requeues = []
    with transaction.atomic():
        stalled = RegroupingRun.objects.select_for_update(skip_locked=True).filter(
            status__in=UNFINISHED, progress_at__lt=now - quiet_for
        )
        for run in stalled:
            if run.requeues >= limit:
                failed(run.pk, stalled_reason(quiet_for, run.requeues))
                continue
            RegroupingRun.objects.filter(pk=run.pk).update(requeues=F("requeues") + 1, progress_at=now)
            chunks = unfinished_chunks(run.pk) if run.status == RunStatus.RUNNING else []
            requeues.append(Requeue(run.pk, chunks))
    return requeues


def stalled_reason(quiet_for: dt.timedelta, requeues: int) -> str:
    minutes = quiet_for.total_seconds() / 60
    return (
        f"No progress for {minutes:g} minutes after it was queued again {requeues} times: the workers "
        "were probably lost. Start it again; suggestions already stored are kept."
    )
