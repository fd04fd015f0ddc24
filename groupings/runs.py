"""The domain steps of a bulk re-grouping run's record (its chunks), on the run platform's lifecycle
(camhs_pbr.runs.lifecycle). A chunk's progress is recorded by its id range, so a chunk delivered twice
counts once."""

from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from camhs_pbr.runs import lifecycle
from camhs_pbr.runs.models import ACTIVE, RunStatus
from groupings.models import RegroupingChunk, RegroupingRun


def begin(run_id: int, *, cases: int, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Mark a queued run started over `cases` open cases in the chunks `bounds` (done at once when there are
    none) and return the chunks to queue; a start delivered again returns the chunks not yet done."""
    with transaction.atomic():
        run = RegroupingRun.objects.select_for_update().get(pk=run_id)
        if run.status not in ACTIVE:
            return []
        if run.status == RunStatus.QUEUED:
            RegroupingChunk.objects.bulk_create(
                RegroupingChunk(run_id=run_id, first_case_id=first, last_case_id=last)
                for first, last in bounds
            )
            counts: dict[str, Any] = {
                "cases": cases,
                "chunks_total": len(bounds),
                "chunks_done": 0,
                "views_grouped": 0,
            }
            lifecycle.start(RegroupingRun, run_id, **counts)
            if not bounds:
                lifecycle.finish(RegroupingRun, run_id)
        return unfinished_chunks(run_id)


def unfinished_chunks(run_id: int) -> list[tuple[int, int]]:
    chunks = RegroupingChunk.objects.filter(run_id=run_id, done_at__isnull=True).order_by("first_case_id")
    return list(chunks.values_list("first_case_id", "last_case_id"))


def is_running(run_id: int) -> bool:
    return RegroupingRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).exists()


def chunk_done(run_id: int, *, first_case_id: int, views: int) -> bool:
    """Count the chunk starting at `first_case_id` once (False if it was already counted); the last one marks
    the run done. Call it in the transaction that stored the chunk's suggestions."""
    with transaction.atomic():
        counted = RegroupingChunk.objects.filter(
            run_id=run_id, first_case_id=first_case_id, done_at__isnull=True
        ).update(done_at=timezone.now(), views=views)
        if not counted:
            return False
        lifecycle.beat(
            RegroupingRun, run_id, chunks_done=F("chunks_done") + 1, views_grouped=F("views_grouped") + views
        )
        lifecycle.finish(RegroupingRun, run_id, where=Q(chunks_done=F("chunks_total")))
    return True
