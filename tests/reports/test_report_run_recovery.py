"""A report run never stays queued or running for ever: refused with a reason when the queue is unreachable,
queued again by the reaper when its worker was lost, a limited number of times, then failed with a reason."""

import datetime as dt

import pytest
from django.utils import timezone

from camhs_pbr.queueing import UNREACHABLE, QueueUnreachable
from reports import runs, services
from reports.models import ReportRun, RunStatus
from reports.periods import Month
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
def test_a_report_requested_while_the_queue_is_unreachable_fails_with_that_reason(commissioner_code):
    with silent_broker() as url, publishing_to(url), pytest.raises(QueueUnreachable):
        services.request_run(
            report="casemix", month=OCTOBER, scope_kind="commissioner", scope_code=commissioner_code, by=None
        )
    [run] = ReportRun.objects.all()
    assert (run.status, run.error) == (RunStatus.FAILED, UNREACHABLE)


@pytest.mark.django_db
def test_a_run_lost_mid_way_is_queued_again_then_failed_with_a_reason(commissioner_code):
    run = casemix_run(commissioner_code)
    long_ago = timezone.now() - QUIET * 2
    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=long_ago)
    assert runs.reap(quiet_for=QUIET, limit=1) == [run.pk]
    run.refresh_from_db()
    assert (run.status, run.requeues) == (RunStatus.QUEUED, 1)

    ReportRun.objects.filter(pk=run.pk).update(requested_at=long_ago)
    assert runs.reap(quiet_for=QUIET, limit=1) == []
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "queued again 1 times" in run.error


@pytest.mark.django_db
def test_a_run_requested_again_starts_with_a_fresh_allowance_of_requeues(commissioner_code):
    run = casemix_run(commissioner_code)
    ReportRun.objects.filter(pk=run.pk).update(requeues=3, status=RunStatus.FAILED)
    assert casemix_run(commissioner_code).requeues == 0
