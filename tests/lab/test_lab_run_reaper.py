"""A lab run with no sign of life (its message or its worker lost) is queued again by the reaper a limited
number of times, then failed with a reason; a run delivered again starts over to the same result."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from camhs_pbr.runs.tasks import reap_stalled_runs
from groupings.selectors import current_rules_version
from lab import model_files, runs, tasks
from lab.models import LabRun
from tests.lab.run_helpers import lab_world
from tests.runs.helpers import reap

pytestmark = pytest.mark.django_db
QUIET = dt.timedelta(minutes=10)


@pytest.fixture
def run(service):
    world = lab_world(service)
    found = LabRun.objects.create(
        provider=world["provider"],
        requested_by=world["manager"],
        method="tree",
        params={"min_leaf": 5, "max_leaves": 4},
        closed_from=dt.date(2025, 6, 1),
        closed_to=dt.date(2025, 12, 31),
        rules_version=current_rules_version(),
    )
    LabRun.objects.filter(pk=found.pk).update(progress_at=timezone.now() - QUIET * 2)
    return found


def test_a_quiet_run_is_queued_again_then_failed_with_a_reason(run, settings):
    assert [again.run_id for again in reap(LabRun, quiet_for=QUIET, limit=1)] == [run.pk]
    assert reap(LabRun, quiet_for=QUIET, limit=1) == []  # queued again just now: a sign of life
    LabRun.objects.filter(pk=run.pk).update(progress_at=timezone.now() - QUIET * 2)
    assert reap(LabRun, quiet_for=QUIET, limit=1) == []
    run.refresh_from_db()
    assert (run.status, run.requeues) == ("failed", 1)
    assert run.error.startswith("No progress for 10 minutes after it was queued again 1 times")
    schedule = settings.CELERY_BEAT_SCHEDULE["reap-stalled-runs"]
    assert schedule["task"] == reap_stalled_runs.name


def test_a_run_making_progress_is_left_alone(run):
    LabRun.objects.filter(pk=run.pk).update(progress_at=timezone.now())
    assert reap(LabRun, quiet_for=QUIET, limit=3) == []


def test_a_run_delivered_again_while_running_starts_over_to_the_same_result(run, tmp_path):
    with override_settings(LAB_MODELS_DIR=tmp_path):
        assert runs.begin(run.pk)  # a worker took it, then was lost
        assert LabRun.objects.get(pk=run.pk).stage == runs.SELECTING
        tasks.fit_lab_run.apply(args=(run.pk,))
        first = LabRun.objects.get(pk=run.pk)
        assert first.status == "done"
        assert tasks.fit_lab_run.apply(args=(run.pk,)).result == 0  # a done run is not fitted again
        assert model_files.path_of(first.model_file).is_file()
