"""The task decorator of every background run and the one reaper of every registered kind.

`@run_task(Model)` makes a Celery task of a function taking the run's id first: acknowledged late (a lost
worker's message is delivered again), a heartbeat on the run every RUN_HEARTBEAT_SECONDS while it works, a
lost database connection retried DATABASE_RETRIES times and then the run failed with the reason, any other
error failing the run with `Type: message`."""

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection

from camhs_pbr import queueing
from camhs_pbr.runs import lifecycle, registry
from camhs_pbr.runs.models import Run, RunStatus

logger = logging.getLogger(__name__)

DATABASE_RETRIES = 3


def run_task(model: type[Run], **options: Any) -> Callable[[Callable[..., Any]], Task]:
    """Make `fn(run_id, *args)` the Celery task of one step of a run of `model` (see the module's doc)."""

    def decorate(fn: Callable[..., Any]) -> Task:
        def body(self: Task, run_id: int, *args: Any, **kwargs: Any) -> Any:
            try:
                with lifecycle.heartbeat(model, run_id):
                    return fn(run_id, *args, **kwargs)
            except (OperationalError, InterfaceError) as error:
                connection.close()  # the next query opens a fresh connection
                if self.request.retries < DATABASE_RETRIES:
                    raise self.retry(exc=error, countdown=1) from error
                lifecycle.fail(
                    model, run_id, f"The database connection was lost {DATABASE_RETRIES + 1} times: {error}"
                )
                raise
            except Exception as error:
                lifecycle.fail_with_error(model, run_id, error)
                raise

        body.__name__, body.__doc__ = fn.__name__, fn.__doc__
        task: Task = shared_task(
            bind=True,
            name=f"{fn.__module__}.{fn.__name__}",
            acks_late=True,
            reject_on_worker_lost=True,
            max_retries=DATABASE_RETRIES,
            **options,
        )(body)
        return task

    return decorate


@shared_task
def reap_stalled_runs(stalled_seconds: float | None = None) -> int:
    """For every registered kind: send the runs the queue refused once it answers again, and queue again
    each run with no sign of life for RUN_STALL_SECONDS (none of its messages waiting its turn), at most
    RUN_REQUEUE_LIMIT times, then fail it. Returns the number of runs queued again."""
    quiet_for = dt.timedelta(
        seconds=settings.RUN_STALL_SECONDS if stalled_seconds is None else stalled_seconds
    )
    waiting = _waiting_rule()
    again = 0
    for kind in list(registry.KINDS.values()):
        _send_refused(kind)
        for requeue in lifecycle.reap(
            kind, quiet_for=quiet_for, limit=settings.RUN_REQUEUE_LIMIT, waiting=waiting
        ):
            _queue_again(kind, requeue)
            again += 1
    return again


def _waiting_rule() -> Callable[[Run], bool]:
    """Whether a quiet run still has a message waiting its turn on the queue. Redis lists the waiting
    messages, so a run whose message was lost is queued again even while others wait; other brokers only
    say how many wait, so a queued run is then left alone while any message waits (a busy queue)."""
    try:
        ids = queueing.waiting_message_ids()
        busy = bool(ids) if ids is not None else bool(queueing.waiting_messages())
    except Exception:  # an unreachable queue: queueing again would be refused anyway
        logger.warning("the reaper cannot read the task queue; it leaves every run alone this time")
        return lambda run: True
    if ids is None:
        return lambda run: busy and run.status == RunStatus.QUEUED
    # A run's message ids are its prefix and a random part after the last colon.
    prefixes = {message.rpartition(":")[0] + ":" for message in ids}
    return lambda run: lifecycle.message_prefix(type(run), run.pk) in prefixes


def _send_refused(kind: registry.RunKind) -> None:
    for run in lifecycle.refused(kind.model):
        if not lifecycle.send_run(run):
            return  # still unreachable: the next round tries again


def _queue_again(kind: registry.RunKind, requeue: lifecycle.Requeue) -> None:
    run = kind.model._default_manager.get(pk=requeue.run_id)
    if requeue.resume and kind.resume is not None:
        try:
            kind.resume(run.pk)
            return
        except queueing.QueueUnreachable:
            pass  # sent as a start instead, when the queue is back
    lifecycle.send_run(run)
