"""Crash-safe: a real worker killed with SIGKILL mid-merge leaves the records as they were before the extract
(the merge is one transaction); the reaper queues the run again and it ends with the same result as a load
that was never interrupted."""

import os
import signal
import time

import pytest

from accounts.models import User
from assessments.models import Case, Contact, CurrentView, Patient
from camhs_pbr.runs.models import RunStatus
from camhs_pbr.runs.tasks import reap_stalled_runs
from imports import services
from imports.models import ImportRun
from tests.imports import helpers
from tests.runs.crash_scenarios import slow_workers, wait_until  # noqa: F401 (a fixture)
from tests.support.workers import pool_children

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def _counts() -> list[int]:
    return [model.objects.count() for model in (Patient, Case, Contact, CurrentView)] + [
        User.objects.exclude(local_id="").count()
    ]


def test_a_worker_killed_mid_merge_leaves_the_state_before_and_the_run_again_gives_the_same_result(
    service,
    slow_workers,  # noqa: F811
    tmp_path,
):
    folder = helpers.write(tmp_path / "extract", helpers.rows(service))
    before = _counts()
    worker = slow_workers()
    run = services.request_import(
        by=None, provider=service["provider"], path=folder, name="x", source="command"
    )
    wait_until(
        lambda: ImportRun.objects.get(pk=run.pk).stage.startswith("Checking the rows"), "the merge to start"
    )
    time.sleep(2)  # patients and referrals written inside the merge's transaction, contacts not yet
    for pid in [*pool_children(worker), worker.pid]:
        os.kill(pid, signal.SIGKILL)
    worker.wait(timeout=10)
    assert _counts() == before  # nothing half-written
    slow_workers()
    assert reap_stalled_runs(stalled_seconds=1) == 1
    wait_until(lambda: ImportRun.objects.get(pk=run.pk).status == RunStatus.DONE, "the run to end", 120)
    done = ImportRun.objects.get(pk=run.pk)
    assert done.requeues == 1 and done.rejected_rows == 0
    assert _counts() == [2, 2, 2, 1, 1]
    assert done.counts["contacts.csv"]["loaded"] == 2
