"""Every registered kind of background run survives the task queue down when it was requested: kept queued,
sent once the queue is back, then done. A real worker on Redis (the outage is the publisher's: the worker
listens on the real queue throughout, and nothing reaches it until the run is sent).

A run of every kind is asked for during one outage, each for a service of its own, and sent by one round of the
reaper once the queue is back; each kind's test then reads what its run went through."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from camhs_pbr.celery import app
from camhs_pbr.runs.models import RunStatus
from camhs_pbr.runs.tasks import reap_stalled_runs
from tests.runs.crash_scenarios import (
    NO_PAUSE,
    SCENARIOS,
    SLOW_ENV,
    SLOW_MODULES,
    now,
    request_every_kind,
    wait_until_every_run_ends,
)
from tests.support.brokers import publishing_to, silent_broker
from tests.support.module_data import flushed_after
from tests.support.workers import private_workers

# The tests read the story in memory: a transaction each, rolled back, and no flush after each (the fixture flushes
# once what it wrote).
pytestmark = [pytest.mark.celery, pytest.mark.django_db]


@dataclass(frozen=True)
class Seen:
    """What a run went through: how it stood after its refusal, and how it ended once sent."""

    refused: tuple[str, str, bool]
    ended: tuple[str, str, object, int]


@dataclass(frozen=True)
class Outage:
    reaped_while_down: int
    reaped_once_back: int
    seen: dict[str, Seen]


@pytest.fixture(scope="module")
def outage(django_db_setup, django_db_blocker) -> Iterator[Outage]:
    with flushed_after(django_db_blocker):
        yield _ask_for_every_kind_while_the_queue_is_down()


def _ask_for_every_kind_while_the_queue_is_down() -> Outage:
    with private_workers(app, include=SLOW_MODULES, extra_env={**SLOW_ENV, **NO_PAUSE}) as start:
        start(concurrency=len(SCENARIOS) + 1)  # a pool process for each run, and one for a chunk beside it
        # Not a test of how long a refusal takes.
        with silent_broker() as url, publishing_to(url, timeout=0.5):
            runs = request_every_kind()
            reaped_while_down = reap_stalled_runs()  # still down: kept for the next round
        refused = {}
        for label, run in runs.items():
            held = now(label, run)
            refused[label] = (held.status, held.error, held.refused_at is not None)
        reaped_once_back = reap_stalled_runs()  # back: sent, which is not a re-queue
        ended = wait_until_every_run_ends(runs)
    seen = {
        label: Seen(refused[label], (run.status, run.error, run.refused_at, run.requeues))
        for label, run in ended.items()
    }
    return Outage(reaped_while_down, reaped_once_back, seen)


def test_sending_a_refused_run_is_not_counted_as_queueing_it_again(outage):
    assert (outage.reaped_while_down, outage.reaped_once_back) == (0, 0)


@pytest.mark.parametrize("label", sorted(SCENARIOS))
def test_a_run_requested_while_the_queue_is_down_is_sent_when_it_is_back_and_done(label, outage):
    seen = outage.seen[label]
    assert seen.refused == (RunStatus.QUEUED, "", True)
    assert seen.ended == (RunStatus.DONE, "", None, 0)
