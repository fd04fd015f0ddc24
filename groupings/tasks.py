"""Celery tasks of bulk re-grouping: thin wrappers around groupings.bulk, one task per chunk of cases, and
the reaper that queues again (or fails) runs whose workers were lost."""

import datetime as dt

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction

from camhs_pbr import queueing
from groupings import bulk, runs
from groupings.models import RegroupingRun
from groupings.selectors import cases_in_scope

CHUNK_CASES = 50_000
DATABASE_RETRIES = 3


@shared_task(bind=True, max_retries=DATABASE_RETRIES)
def start_regrouping(self: Task, run_id: int, chunk_cases: int = CHUNK_CASES) -> int:
    """Split the run's open cases into chunks and queue one task per chunk not yet done; returns their number."""
    try:
        run = RegroupingRun.objects.select_related("requested_by").get(pk=run_id)
        cases = cases_in_scope(run)
        bounds = bulk.chunk_bounds(cases, chunk_cases)
        chunks = runs.begin(run_id, cases=cases.count(), bounds=bounds)
    except (OperationalError, InterfaceError) as error:
        connection.close()
        raise self.retry(exc=error, countdown=1) from error  # past the retries the reaper queues it again
    for first, last in chunks:
        queueing.publish(regroup_chunk, run_id, first, last)
    return len(chunks)


@shared_task(bind=True, max_retries=DATABASE_RETRIES)
def regroup_chunk(self: Task, run_id: int, first_case_id: int, last_case_id: int) -> int:
    """Re-group the cases of one id range and count the chunk, in one transaction; safe to run again.
    A lost database connection is retried; any other error fails the run with the error."""
    try:
        if not runs.is_running(run_id):
            return 0  # failed, or finished by an earlier delivery
        runs.chunk_started(run_id)
        run = RegroupingRun.objects.select_related("rules_version", "requested_by").get(pk=run_id)
        cases = cases_in_scope(run).filter(pk__gte=first_case_id, pk__lte=last_case_id)
        with transaction.atomic():
            result = bulk.regroup_cases(cases, run.rules_version)
            runs.chunk_done(run_id, first_case_id=first_case_id, views=result.views)
    except (OperationalError, InterfaceError) as error:
        connection.close()  # the next query opens a fresh connection
        if self.request.retries < DATABASE_RETRIES:
            raise self.retry(exc=error, countdown=1) from error
        runs.failed(run_id, f"The database connection was lost {DATABASE_RETRIES + 1} times: {error}")
        raise
    except Exception as error:
        runs.failed(run_id, f"{type(error).__name__}: {error}")
        raise
    return result.views


@shared_task
def reap_stalled_runs(stalled_seconds: float | None = None) -> int:
    """Queue again the start or the unfinished chunks of each run with no progress for RUN_STALL_SECONDS,
    at most RUN_REQUEUE_LIMIT times, then fail it; returns the number of runs queued again. While messages
    wait on the queue the workers are busy elsewhere, so a quiet run is waiting, not lost: nothing is done."""
    if queueing.waiting_messages():
        return 0
    quiet_for = dt.timedelta(
        seconds=settings.RUN_STALL_SECONDS if stalled_seconds is None else stalled_seconds
    )
    requeues = runs.reap(quiet_for=quiet_for, limit=settings.RUN_REQUEUE_LIMIT)
    for requeue in requeues:
        if requeue.start:
            queueing.publish(start_regrouping, requeue.run_id)
        for first, last in requeue.chunks:
            queueing.publish(regroup_chunk, requeue.run_id, first, last)
    return len(requeues)
