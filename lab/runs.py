"""State changes of a lab run's record, made by its Celery task and its reaper (writes only, no queueing).
Each marks the run's stage in words, so its page shows how far it has got, and its last sign of life."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from groupings.models import RunStatus
from lab.models import LabRun

UNFINISHED = (RunStatus.QUEUED, RunStatus.RUNNING)

SELECTING = "Selecting the closed episodes you can see"
FITTING = "Fitting and comparing with the rules on 5 held-out folds"
SAVING = "Saving the fitted model and the results"


def begin(run_id: int) -> bool:
    """Mark an unfinished run running from now (again, for a delivery after a lost worker); False when it
    is already done or failed."""
    return bool(
        LabRun.objects.filter(pk=run_id, status__in=UNFINISHED).update(
            status=RunStatus.RUNNING,
            stage=SELECTING,
            started_at=timezone.now(),
            progress_at=timezone.now(),
            finished_at=None,
            seconds=None,
            error="",
        )
    )


def selected(run_id: int, *, episodes: int, fingerprint: str) -> None:
    """Record the data snapshot (how many episodes, and their fingerprint) and that fitting has begun."""
    LabRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        episodes=episodes, fingerprint=fingerprint, stage=FITTING, progress_at=timezone.now()
    )


def saving(run_id: int) -> None:
    LabRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        stage=SAVING, progress_at=timezone.now()
    )


def done(run_id: int, *, result: dict[str, Any], model_file: str) -> None:
    now = timezone.now()
    run = LabRun.objects.get(pk=run_id)
    LabRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        status=RunStatus.DONE,
        stage="",
        result=result,
        model_file=model_file,
        finished_at=now,
        seconds=(now - run.started_at).total_seconds() if run.started_at else None,
    )


def failed(run_id: int, reason: str) -> None:
    """Mark an unfinished run failed with the reason shown to its user."""
    now = timezone.now()
    run = LabRun.objects.filter(pk=run_id).first()
    if run is None:
        return
    LabRun.objects.filter(pk=run_id, status__in=UNFINISHED).update(
        status=RunStatus.FAILED,
        error=reason[:2000],
        finished_at=now,
        seconds=(now - run.started_at).total_seconds() if run.started_at else None,
    )


def reap(*, quiet_for: dt.timedelta, limit: int) -> list[int]:
    """Runs queued or running with no sign of life for `quiet_for`: each queued again fewer than `limit`
    times is counted as queued once more and its id returned; the others are failed with the reason."""
    now = timezone.now()
    again = []
    with transaction.atomic():
        stalled = LabRun.objects.select_for_update(skip_locked=True).filter(
            status__in=UNFINISHED, progress_at__lt=now - quiet_for
        )
        for run in stalled:
            if run.requeues >= limit:
                failed(run.pk, stalled_reason(quiet_for, run.requeues))
                continue
            LabRun.objects.filter(pk=run.pk).update(requeues=F("requeues") + 1, progress_at=now)
            again.append(run.pk)
    return again


def stalled_reason(quiet_for: dt.timedelta, requeues: int) -> str:
    minutes = quiet_for.total_seconds() / 60
    return (
        f"No progress for {minutes:g} minutes after it was queued again {requeues} times: the workers were "
        "probably lost. Start it again."
    )
