"""A report run never stays queued or running for ever: kept and sent once the queue is back when it was
unreachable, queued again by the reaper when its worker was lost, a limited number of times, then failed
with a reason."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from accounts.audit import Action, AuditEvent
from camhs_pbr.runs.models import RunStatus
from camhs_pbr.runs.tasks import reap_stalled_runs
from reports import runs, services
from reports.models import ReportRun
from reports.periods import Month
from tests.runs.helpers import reap
from tests.support.brokers import publishing_to, silent_broker

QUIET = dt.timedelta(minutes=10)
OCTOBER = Month.of("2026-10")


def casemix_run(code: str) -> ReportRun:
    return runs.prepare_run(
        report="casemix", month=OCTOBER, scope_kind="commissioner", scope_code=code, by=None
    )


@pytest.fixture
def commissioner_code(service) -> str:
    return service["commissioner"].code


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_report_requested_while_the_queue_is_unreachable_is_kept_queued_and_sent_when_it_is_back(
    commissioner_code, celery_worker
):
    with silent_broker() as url, publishing_to(url, timeout=0.5):
        run = services.request_run(
            report="casemix", month=OCTOBER, scope_kind="commissioner", scope_code=commissioner_code, by=None
        )
        assert reap_stalled_runs() == 0  # still unreachable: kept for the next round
    [run] = ReportRun.objects.all()
    assert (run.status, run.refused_at is not None, run.error) == (RunStatus.QUEUED, True, "")
    outcomes = AuditEvent.objects.filter(action=Action.REQUEST_REPORT_RUN, object_id=str(run.pk))
    assert sorted(outcomes.values_list("outcome", flat=True)) == ["done", "refused"]

    assert reap_stalled_runs() == 0  # the queue answers: sent, which is not a re-queue
    deadline = time.monotonic() + 60
    while ReportRun.objects.get(pk=run.pk).status != RunStatus.DONE and time.monotonic() < deadline:
        time.sleep(0.1)
    run.refresh_from_db()
    assert (run.status, run.refused_at, run.requeues) == (RunStatus.DONE, None, 0)


@pytest.mark.django_db
def test_a_run_lost_mid_way_is_queued_again_then_failed_with_a_reason(commissioner_code):
    run = casemix_run(commissioner_code)
    long_ago = timezone.now() - QUIET * 2
    ReportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=long_ago, progress_at=long_ago
    )
    assert [again.run_id for again in reap(ReportRun, quiet_for=QUIET, limit=1)] == [run.pk]
    run.refresh_from_db()
    assert (run.status, run.requeues) == (RunStatus.QUEUED, 1)

    ReportRun.objects.filter(pk=run.pk).update(requested_at=long_ago, progress_at=long_ago)
    assert reap(ReportRun, quiet_for=QUIET, limit=1) == []
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "queued again 1 times" in run.error


@pytest.mark.django_db
def test_a_run_requested_again_starts_with_a_fresh_allowance_of_requeues(commissioner_code):
    run = casemix_run(commissioner_code)
    ReportRun.objects.filter(pk=run.pk).update(requeues=3, status=RunStatus.FAILED)
    assert casemix_run(commissioner_code).requeues == 0
