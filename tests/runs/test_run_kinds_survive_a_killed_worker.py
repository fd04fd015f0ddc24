"""Every registered kind of background run survives its worker killed with SIGKILL mid-run: the run beats until
then, the heartbeat stops, the reaper queues it again and it ends done once. Real workers on Redis."""

import os
import signal
import time
from collections.abc import Iterator

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
    ended,
    latest,
    slow_workers,  # noqa: F401 (a fixture)
    wait_until,
)
from tests.support.workers import pool_children, private_workers

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]
STALLED_SECONDS = 1


@pytest.fixture(scope="module")
def taker(django_db_setup) -> Iterator[str]:
    """One worker for the whole file, on a queue of its own, that takes each killed run again (it does not
    pause); the queue's name."""
    with private_workers(app, include=SLOW_MODULES, extra_env={**SLOW_ENV, **NO_PAUSE}) as start:
        start()
        yield app.conf.task_default_queue


def test_every_registered_kind_has_a_crash_scenario():
    assert set(registry.KINDS) == set(SCENARIOS)


@pytest.mark.parametrize("label", sorted(SCENARIOS))
def test_a_run_whose_worker_is_killed_mid_run_beats_until_then_and_is_queued_again_to_done(
    label,
    service,
    taker,
    slow_workers,  # noqa: F811
):
    model = registry.KINDS[label].model
    worker = slow_workers()
    run = SCENARIOS[label].request(service)
    wait_until(lambda: latest(model, run.pk).status == RunStatus.RUNNING, "the run to start")
    # The heartbeat: signs of life while the domain step is still working, more than its natural steps give.
    beats = set()
    for _ in range(12):
        beats.add(latest(model, run.pk).progress_at)
        time.sleep(0.1)
    assert len(beats) >= 3, beats

    for pid in [*pool_children(worker), worker.pid]:
        os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic()
    worker.wait(timeout=10)
    time.sleep(max(0.0, STALLED_SECONDS + 0.2 - (time.monotonic() - killed_at)))
    # No beat since the kill, and nothing else saw it.
    assert latest(model, run.pk).status == RunStatus.RUNNING
    own_queue, app.conf.task_default_queue = app.conf.task_default_queue, taker
    try:
        assert reap_stalled_runs(stalled_seconds=STALLED_SECONDS) == 1  # queued again, for the taker
    finally:
        app.conf.task_default_queue = own_queue

    wait_until(ended(model, run.pk), "the run to end")
    finished = latest(model, run.pk)
    assert (finished.status, finished.error, finished.requeues) == (RunStatus.DONE, "", 1)
