"""Celery tasks of the monthly reports: thin wrappers around reports.runs."""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from camhs_pbr import queueing
from reports import runs
from reports.kinds import every_scope
from reports.periods import Month


@shared_task(acks_late=True)
def run_report(run_id: int) -> str:
    """Execute one report run; redelivered after a lost worker, it replaces the rows in one transaction."""
    return runs.execute_run(run_id).status


@shared_task
def run_previous_month() -> int:
    """Queue every report for every scope it runs for (all providers, all commissioners) for the month
    before today (Europe/London); returns the number of runs queued."""
    month = Month.containing(timezone.localdate()).previous()
    queued = []
    with transaction.atomic():
        for report, scope_kind, code in every_scope():
            run = runs.prepare_run(
                report=report, month=month, scope_kind=scope_kind, scope_code=code, by=None
            )
            queued.append(run.pk)
        transaction.on_commit(lambda: [run_report.delay(run_id) for run_id in queued])
    return len(queued)


@shared_task
def reap_stalled_runs(stalled_seconds: float | None = None) -> int:
    """Queue again each run queued or running for longer than RUN_STALL_SECONDS, at most RUN_REQUEUE_LIMIT
    times, then fail it; returns the number queued again. Nothing is done while messages wait on the queue:
    the workers are busy, so a quiet run is waiting, not lost."""
    if queueing.waiting_messages():
        return 0
    quiet_for = dt.timedelta(
        seconds=settings.RUN_STALL_SECONDS if stalled_seconds is None else stalled_seconds
    )
    again = runs.reap(quiet_for=quiet_for, limit=settings.RUN_REQUEUE_LIMIT)
    for run_id in again:
        queueing.publish(run_report, run_id)
    return len(again)
