"""Bulk re-grouping survives a crash mid-chunk: each run ends done with every chunk counted once, or failed
with a reason, never stuck. A real worker on Redis pauses inside each chunk so the test can strike there."""

import datetime as dt
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator

import pytest
from django.db import connection

from camhs_pbr.celery import app
from camhs_pbr.runs.tasks import reap_stalled_runs
from groupings import services
from groupings.models import RegroupingChunk, RegroupingRun, Suggestion
from groupings.selectors import current_rules_version
from tests import factories
from tests.groupings.helpers import ratings
from tests.support.workers import pool_children, private_workers

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]
PAUSE_SECONDS = 3


@pytest.fixture
def open_cases(service) -> int:
    for _ in range(3):
        case = factories.case(service["team_a"])
        services.record_and_suggest(
            by=service["clinician"],
            case=case,
            completed_on=dt.date(2025, 3, 3),
            reason="first_contact",
            practitioner=service["clinician"],
            ratings=ratings(p09=2),
        )
    Suggestion.objects.all().delete()  # the run stores them again
    return 3


@pytest.fixture
def slow_workers(django_db_setup) -> Iterator[Callable[[], subprocess.Popen]]:
    """Starts workers of one pool process each on a private queue, every chunk pausing PAUSE_SECONDS."""
    extra_env = {"SLOW_CHUNK_SECONDS": str(PAUSE_SECONDS)}
    with private_workers(app, include=["tests.support.slow_chunks"], extra_env=extra_env) as start:
        yield start


def paused_chunk_backend(seconds: float = 30) -> int:
    """The process id of the database connection of a chunk paused inside its transaction."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'idle in transaction' AND query = 'SELECT 1' AND pid <> pg_backend_pid()"
            )
            found = [pid for (pid,) in cursor.fetchall()]
        if found:
            return found[0]
        time.sleep(0.05)
    raise AssertionError("no chunk paused in its transaction")


def finished(run_id: int, seconds: float = 60) -> RegroupingRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = RegroupingRun.objects.get(pk=run_id)
        if run.status in ("done", "failed"):
            return run
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} stayed {RegroupingRun.objects.get(pk=run_id).status}")


def assert_one_complete_result(run: RegroupingRun, cases: int) -> None:
    assert run.status == "done", run.error
    assert (run.cases, run.chunks_total, run.chunks_done, run.views_grouped) == (cases, 1, 1, cases)
    assert list(RegroupingChunk.objects.filter(run=run).values_list("views", flat=True)) == [cases]
    assert Suggestion.objects.filter(rules_version=run.rules_version).count() == cases


def test_a_chunk_whose_pool_child_is_killed_is_delivered_again_and_counted_once(open_cases, slow_workers):
    worker = slow_workers()
    run = services.start_regrouping(by=None, rules_version=current_rules_version())
    paused_chunk_backend()
    [child] = pool_children(worker)
    os.kill(child, signal.SIGKILL)

    assert_one_complete_result(finished(run.pk), open_cases)
    assert child not in pool_children(worker)


def test_a_chunk_whose_whole_worker_is_killed_is_queued_again_by_the_reaper(open_cases, slow_workers):
    worker = slow_workers()
    run = services.start_regrouping(by=None, rules_version=current_rules_version())
    paused_chunk_backend()
    for pid in [*pool_children(worker), worker.pid]:
        os.kill(pid, signal.SIGKILL)
    worker.wait(timeout=10)
    # The message stays unacknowledged in Redis until the visibility timeout; the reaper does not wait for it.
    slow_workers()
    time.sleep(1.1)
    assert reap_stalled_runs(stalled_seconds=1) == 1

    run = finished(run.pk)
    assert_one_complete_result(run, open_cases)
    assert run.requeues == 1


def test_a_database_connection_killed_mid_chunk_is_retried_and_the_run_finishes(open_cases, slow_workers):
    slow_workers()
    run = services.start_regrouping(by=None, rules_version=current_rules_version())
    backend = paused_chunk_backend()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend])

    assert_one_complete_result(finished(run.pk), open_cases)
