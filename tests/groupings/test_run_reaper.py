"""The reaper queues again a run that stopped making progress, a limited number of times, then fails it
with a reason; a chunk delivered twice is counted once."""

import datetime as dt

import pytest
from django.utils import timezone

from camhs_pbr.runs.models import RunStatus
from groupings import runs
from groupings.models import RegroupingRun
from groupings.selectors import current_rules_version
from tests.runs.helpers import reap

pytestmark = pytest.mark.django_db
QUIET = dt.timedelta(minutes=10)


def quiet_run(**fields) -> RegroupingRun:
    run = RegroupingRun.objects.create(rules_version=current_rules_version(), **fields)
    RegroupingRun.objects.filter(pk=run.pk).update(progress_at=timezone.now() - QUIET * 2)
    return run


def test_a_run_never_started_is_queued_again_then_failed_with_a_reason(reference_data):
    run = quiet_run()
    [again] = reap(RegroupingRun, quiet_for=QUIET, limit=1)
    assert (again.run_id, again.resume) == (run.pk, False)  # started again
    RegroupingRun.objects.filter(pk=run.pk).update(progress_at=timezone.now() - QUIET * 2)

    assert reap(RegroupingRun, quiet_for=QUIET, limit=1) == []
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.error.startswith("No progress for 10 minutes after it was queued again 1 times")


def test_a_running_run_has_only_its_unfinished_chunks_queued_again(reference_data):
    run = quiet_run()
    assert runs.begin(run.pk, cases=4, bounds=[(1, 2), (3, 4)]) == [(1, 2), (3, 4)]
    assert runs.chunk_done(run.pk, first_case_id=1, views=2)
    RegroupingRun.objects.filter(pk=run.pk).update(progress_at=timezone.now() - QUIET * 2)

    [again] = reap(RegroupingRun, quiet_for=QUIET, limit=3)
    assert (again.run_id, again.resume) == (run.pk, True)
    assert runs.unfinished_chunks(run.pk) == [(3, 4)]  # what resuming queues again


def test_a_run_making_progress_is_left_alone(reference_data):
    RegroupingRun.objects.create(rules_version=current_rules_version())
    assert reap(RegroupingRun, quiet_for=QUIET, limit=3) == []


def test_a_chunk_delivered_twice_is_counted_once_and_the_run_is_done_once(reference_data):
    run = quiet_run()
    runs.begin(run.pk, cases=2, bounds=[(1, 2)])
    assert runs.chunk_done(run.pk, first_case_id=1, views=2)
    assert not runs.chunk_done(run.pk, first_case_id=1, views=2)
    run.refresh_from_db()
    assert (run.status, run.chunks_done, run.views_grouped) == (RunStatus.DONE, 1, 2)
    assert runs.begin(run.pk, cases=2, bounds=[(1, 2)]) == []  # a start delivered again queues nothing
