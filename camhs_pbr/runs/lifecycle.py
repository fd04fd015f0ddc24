"""The state changes of every background run, for every kind: request (or join the active run), send on
commit, start, beat, finish, fail with a reason in words, and the reaper's choice of what to queue again.
Writes only; the one place that publishes is `send`."""

import datetime as dt
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from camhs_pbr import queueing
from camhs_pbr.runs import registry
from camhs_pbr.runs.models import ACTIVE, Run, RunStatus

logger = logging.getLogger(__name__)

R = TypeVar("R", bound=Run)

REASON_LIMIT = 2000


@dataclass(frozen=True)
class Requested(Generic[R]):
    """A requested run, and whether the request joined a run of the same key already queued or running."""

    run: R
    joined: bool


def request(
    model: type[R], *, key: dict[str, Any], by: Any, send: bool = True, **fields: Any
) -> Requested[R]:
    """The run of `model` for `key` (with `fields`) queued for a worker and sent when the transaction commits
    (not sent without `send`: the caller executes it, and the reaper queues it if that caller dies). With a
    run of that key already queued or running the request joins it (nothing more is queued). A kind that
    re-runs in place (`model.rerun_in_place`) queues its one finished record of `key` again."""
    kind = registry.kind_of(model)
    now = timezone.now()
    with transaction.atomic():
        runs = model._default_manager.select_for_update().filter(**key)
        # An in-place kind's one record is locked before its status is read: a request that waited for the
        # lock then sees the run queued by the request before it, and joins it.
        again = runs.first() if model.rerun_in_place else None
        if model.rerun_in_place:
            active = again if again is not None and again.status in ACTIVE else None
        else:
            active = runs.filter(status__in=ACTIVE).first()
        if active is not None:
            kind.audit(active, by, registry.REQUESTED)
            return Requested(active, joined=True)
        queued = {
            "requested_by": by,
            **key,
            "status": RunStatus.QUEUED,
            "requested_at": now,
            "progress_at": now,
        }
        if again is not None:
            fresh = {
                "started_at": None,
                "finished_at": None,
                "seconds": None,
                "requeues": 0,
                "refused_at": None,
            }
            model._default_manager.filter(pk=again.pk).update(**queued, **fresh, error="", **fields)
            run = model._default_manager.get(pk=again.pk)
        else:
            try:
                with transaction.atomic():
                    run = model._default_manager.create(**queued, **fields)
            except IntegrityError:  # a request in parallel created it first: join that one
                run = model._default_manager.select_for_update().get(**key, status__in=ACTIVE)
                kind.audit(run, by, registry.REQUESTED)
                return Requested(run, joined=True)
        kind.audit(run, by, registry.REQUESTED)
        if send:
            transaction.on_commit(lambda: send_run(run))
    run.refresh_from_db()
    return Requested(run, joined=False)


def message_prefix(model: type[Run], run_id: int) -> str:
    """How the ids of every message of one run begin, so the reaper can tell whether one still waits."""
    return f"run:{model._meta.label_lower}:{run_id}:"


def message_id(model: type[Run], run_id: int) -> str:
    return f"{message_prefix(model, run_id)}{uuid.uuid4().hex}"


def publish_step(model: type[Run], run_id: int, task: Any, *args: Any) -> None:
    """Queue one more message of a run (a chunk of it), named as the run's; QueueUnreachable as publish."""
    queueing.publish(task, run_id, *args, message_id=message_id(model, run_id))


def send_run(run: Run) -> bool:
    """Queue the run's start. When the task queue is unreachable the run stays queued, marked refused (the
    reaper sends it once the queue answers again) and the refusal is recorded; False then."""
    model = type(run)
    kind = registry.kind_of(model)
    try:
        publish_step(model, run.pk, kind.start)
    except queueing.QueueUnreachable:
        logger.warning("run %s %s not sent: the task queue is unreachable", kind.label, run.pk)
        with transaction.atomic():
            if model._default_manager.filter(
                pk=run.pk, status=RunStatus.QUEUED, refused_at__isnull=True
            ).update(refused_at=timezone.now()):
                kind.audit(run, run.requested_by, registry.REFUSED)
        return False
    model._default_manager.filter(pk=run.pk, refused_at__isnull=False).update(
        refused_at=None, progress_at=timezone.now()
    )
    return True


def start(model: type[Run], run_id: int, *, finished_too: bool = False, **fields: Any) -> bool:
    """Mark a queued run running from now (again, for a delivery after a lost worker), with `fields`; False
    when it is done or failed already, unless `finished_too` (a kind that executes a finished run again)."""
    now = timezone.now()
    runs = model._default_manager.filter(pk=run_id)
    return bool(
        (runs if finished_too else runs.filter(status__in=ACTIVE)).update(
            status=RunStatus.RUNNING,
            started_at=now,
            progress_at=now,
            finished_at=None,
            seconds=None,
            error="",
            **fields,
        )
    )


def beat(model: type[Run], run_id: int, **fields: Any) -> bool:
    """A sign of life of a running run (with `fields`, such as its stage); False if it is not running."""
    return bool(
        model._default_manager.filter(pk=run_id, status=RunStatus.RUNNING).update(
            progress_at=timezone.now(), **fields
        )
    )


_beating: set[tuple[str, int]] = set()


@contextmanager
def heartbeat(model: type[Run], run_id: int) -> Iterator[None]:
    """Mark the run alive every RUN_HEARTBEAT_SECONDS from a thread while the body works (a killed worker
    stops beating, so the reaper tells a dead worker from a slow step); within another heartbeat of the same
    run, nothing more."""
    key = (model._meta.label_lower, run_id)
    if key in _beating:
        yield
        return
    stop = threading.Event()

    def beats() -> None:
        try:
            while not stop.wait(settings.RUN_HEARTBEAT_SECONDS):
                beat(model, run_id)
        except Exception:
            logger.exception("the heartbeat of run %s %s stopped", *key)
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=beats, name=f"heartbeat-{run_id}", daemon=True)
    _beating.add(key)
    thread.start()
    try:
        yield
    finally:
        _beating.discard(key)
        stop.set()
        thread.join(timeout=10)


def finish(model: type[Run], run_id: int, *, where: Q | None = None, **fields: Any) -> bool:
    """Mark a running run done with `fields` (only if it also matches `where`); False otherwise."""
    now = timezone.now()
    started = model._default_manager.filter(pk=run_id).values_list("started_at", flat=True).first()
    return bool(
        model._default_manager.filter(where or Q(), pk=run_id, status=RunStatus.RUNNING).update(
            status=RunStatus.DONE,
            finished_at=now,
            progress_at=now,
            seconds=(now - started).total_seconds() if started else None,
            **fields,
        )
    )


def fail(model: type[Run], run_id: int, reason: str) -> None:
    """Mark a queued or running run failed with the reason shown to its user."""
    now = timezone.now()
    started = model._default_manager.filter(pk=run_id).values_list("started_at", flat=True).first()
    model._default_manager.filter(pk=run_id, status__in=ACTIVE).update(
        status=RunStatus.FAILED,
        error=reason[:REASON_LIMIT],
        finished_at=now,
        seconds=(now - started).total_seconds() if started else None,
    )


def fail_with_error(model: type[Run], run_id: int, error: BaseException) -> None:
    """Fail the run with `Type: message` of an unexpected error (on a fresh connection if it was lost)."""
    logger.error("run %s %s failed", model._meta.label_lower, run_id, exc_info=error)
    if isinstance(error, InterfaceError | OperationalError):
        connection.close()  # the next query opens a fresh connection
    fail(model, run_id, f"{type(error).__name__}: {error}")


@dataclass(frozen=True)
class Requeue:
    """A run the reaper queues again: started again from its start, or its remaining work resumed."""

    run_id: int
    resume: bool


def reap(
    kind: registry.RunKind, *, quiet_for: dt.timedelta, limit: int, waiting: Callable[[Run], bool]
) -> list[Requeue]:
    """Runs of `kind` queued or running without a sign of life for `quiet_for`, except those refused by the
    queue and those with a message still `waiting` its turn: each queued again fewer than `limit` times is
    counted once more and returned (to be sent after this commits); the others are failed with the reason."""
    model = kind.model
    now = timezone.now()
    requeues = []
    with transaction.atomic():
        quiet = model._default_manager.select_for_update(skip_locked=True).filter(
            status__in=ACTIVE, progress_at__lt=now - quiet_for, refused_at__isnull=True
        )
        for run in quiet:
            if waiting(run):
                continue
            if run.requeues >= limit:
                fail(model, run.pk, stalled_reason(quiet_for, run.requeues))
                continue
            resume = run.status == RunStatus.RUNNING and kind.resume is not None
            status = RunStatus.RUNNING if resume else RunStatus.QUEUED
            model._default_manager.filter(pk=run.pk).update(
                requeues=F("requeues") + 1, progress_at=now, status=status
            )
            requeues.append(Requeue(run.pk, resume))
    return requeues


def refused(model: type[R]) -> list[R]:
    """Runs kept queued because the task queue was unreachable when they were sent, oldest first."""
    return list(
        model._default_manager.filter(status=RunStatus.QUEUED, refused_at__isnull=False).order_by(
            "refused_at"
        )
    )


def stalled_reason(quiet_for: dt.timedelta, requeues: int) -> str:
    minutes = quiet_for.total_seconds() / 60
    return (
        f"No progress for {minutes:g} minutes after it was queued again {requeues} times: the workers were "
        "probably lost. Start it again."
    )
