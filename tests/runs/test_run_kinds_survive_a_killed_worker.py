"""Every registered kind of background run survives its worker killed with SIGKILL mid-run: the run beats until
then, the heartbeat stops, the reaper queues it again and it ends done once. Real workers on Redis.

One worker runs a run of every kind at once, each for a service of its own, and is killed with all of them
running: a worker's start costs seconds, and a killed worker's runs are what the reaper must find, whatever
their kinds. Each kind's test then reads what its run went through."""

import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from camhs_pbr.celery import app
from camhs_pbr.runs import registry
from camhs_pbr.runs.models import RunStatus
from camhs_pbr.runs.tasks import reap_stalled_runs
from tests.runs.crash_scenarios import (
    NO_PAUSE,
    SCENARIOS,
    SLOW_ENV,
    SLOW_MODULES,
    now,
    request_every_kind,
    wait_until,
    wait_until_every_run_ends,
)
from tests.support.module_data import flushed_after
from tests.support.workers import pool_children, private_workers

# The tests read the story in memory: a transaction each, rolled back, and no flush after each (the fixture flushes
# once what it wrote).
pytestmark = [pytest.mark.celery, pytest.mark.django_db]
STALLED_SECONDS = 1
# Each step pauses until the worker is killed: long enough for every kind's run to start and beat first, however
# slowly a loaded machine asks for them.
KILLED_PAUSE = {name: "30" for name in NO_PAUSE}


@dataclass(frozen=True)
class Seen:
    """What a run went through: its beats while running, its status once its worker was dead a while, and how
    it ended after the reaper."""

    beats: int
    after_the_kill: str
    status: str
    error: str
    requeues: int


@pytest.fixture(scope="module")
def killed(django_db_setup, django_db_blocker) -> Iterator[tuple[int, dict[str, Seen]]]:
    """The runs' story, by kind, and how many runs the reaper queued again."""
    with flushed_after(django_db_blocker):
        yield _kill_a_worker_running_every_kind()


def _kill_a_worker_running_every_kind() -> tuple[int, dict[str, Seen]]:
    """Runs of every kind on one worker, killed with SIGKILL while all of them run: how many the reaper queued
    again, and what each run went through."""
    with private_workers(app, include=SLOW_MODULES, extra_env={**SLOW_ENV, **NO_PAUSE}) as start_taker:
        start_taker()  # takes each killed run again, without pausing, on a queue of its own
        taker = app.conf.task_default_queue
        with private_workers(app, include=SLOW_MODULES, extra_env={**SLOW_ENV, **KILLED_PAUSE}) as start:
            # A pool process for each run, and one for a chunk a run may queue beside it.
            worker = start(concurrency=len(SCENARIOS) + 1)
            runs = request_every_kind()
            wait_until(
                lambda: all(now(label, run).status == RunStatus.RUNNING for label, run in runs.items()),
                "every run to start",
            )
            # The heartbeat: signs of life while the domain step is still working, more than its natural
            # steps give.
            beats: dict[str, set] = {label: set() for label in runs}
            for _ in range(12):
                for label, run in runs.items():
                    beats[label].add(now(label, run).progress_at)
                time.sleep(0.1)
            for pid in [*pool_children(worker), worker.pid]:
                os.kill(pid, signal.SIGKILL)
            killed_at = time.monotonic()
            worker.wait(timeout=10)
            time.sleep(max(0.0, STALLED_SECONDS + 0.2 - (time.monotonic() - killed_at)))
            # No beat since the kill, and nothing else saw it.
            after = {label: now(label, run).status for label, run in runs.items()}
            own_queue, app.conf.task_default_queue = app.conf.task_default_queue, taker
            try:
                requeued = reap_stalled_runs(stalled_seconds=STALLED_SECONDS)
            finally:
                app.conf.task_default_queue = own_queue
        ended = wait_until_every_run_ends(runs)
    return requeued, {
        label: Seen(len(beats[label]), after[label], run.status, run.error, run.requeues)
        for label, run in ended.items()
    }


def test_every_registered_kind_has_a_crash_scenario():
    assert set(registry.KINDS) == set(SCENARIOS)


def test_the_reaper_queues_each_killed_run_again_once(killed):
    requeued, _ = killed
    assert requeued == len(SCENARIOS)


@pytest.mark.parametrize("label", sorted(SCENARIOS))
def test_a_run_whose_worker_is_killed_mid_run_beats_until_then_and_is_queued_again_to_done(label, killed):
    seen = killed[1][label]
    assert seen.beats >= 3, seen
    assert seen.after_the_kill == RunStatus.RUNNING, seen
    assert (seen.status, seen.error, seen.requeues) == (RunStatus.DONE, "", 1)
