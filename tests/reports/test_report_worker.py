"""A report run survives its worker being killed mid-run: redelivered, it ends with one complete result."""

import os
import signal
import time

import pytest

from camhs_pbr.celery import app
from camhs_pbr.runs.models import RunStatus
from reports import runs, tasks
from reports.kinds import KINDS
from reports.models import ReportRow, ReportRun
from reports.periods import Month
from tests.reports.helpers import expected_october_rows, october_casemix
from tests.support.workers import pool_children, private_workers

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]
SLOW_SECONDS = 4


@pytest.fixture
def slow_report():
    from tests.support.slow_report import SLOW_KIND

    KINDS[SLOW_KIND.report] = SLOW_KIND
    yield SLOW_KIND.report
    KINDS.pop(SLOW_KIND.report)


@pytest.fixture
def slow_worker(django_db_setup):
    """A worker of one pool process that imports the slow report kind; yields (process, queue)."""
    extra_env = {"SLOW_REPORT_SECONDS": str(SLOW_SECONDS)}
    with private_workers(app, include=["tests.support.slow_report"], extra_env=extra_env) as start:
        yield start(), app.conf.task_default_queue


def wait_for(run_id: int, statuses: set[str], seconds: float = 60) -> ReportRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = ReportRun.objects.get(pk=run_id)
        if run.status in statuses:
            return run
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} stayed {ReportRun.objects.get(pk=run_id).status}")


def test_a_run_killed_mid_way_is_redelivered_and_ends_with_one_complete_result(
    reference_data, slow_report, slow_worker
):
    worker, queue = slow_worker
    october_casemix()
    run = runs.prepare_run(
        report=slow_report, month=Month.of("2026-10"), scope_kind="commissioner", scope_code="QAA", by=None
    )
    assert runs.execute_run(run.pk).status == RunStatus.DONE  # in this process, no pause: rows exist
    rows_before = list(ReportRow.objects.filter(run=run).values_list("position", "values"))

    tasks.run_report.apply_async((run.pk,), queue=queue)
    started = wait_for(run.pk, {RunStatus.RUNNING}).started_at
    assert started is not None
    time.sleep(1)  # well inside the pause of the first delivery
    [child] = pool_children(worker)
    os.kill(child, signal.SIGKILL)

    finished = wait_for(run.pk, {RunStatus.DONE, RunStatus.FAILED}, seconds=90)
    assert finished.status == RunStatus.DONE, finished.error
    assert finished.started_at is not None and finished.started_at > started  # a second delivery ran it again
    assert child not in pool_children(worker)
    stored = list(ReportRow.objects.filter(run=run).order_by("position").values_list("position", "values"))
    assert stored == rows_before
    assert [values for _, values in stored] == expected_october_rows()
    assert finished.rows == len(stored) == 6
