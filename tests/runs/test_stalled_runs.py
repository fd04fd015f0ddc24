"""A run with no sign of life is noticed in time and said so: a queued run whose message was lost is queued
again even while other messages wait on a busy queue (one whose message still waits is left alone), the
defaults queue a dead worker's run again within two minutes of its last beat, and the page says so."""

import datetime as dt
import uuid

import pytest
from django.conf import settings
from django.utils import timezone

from camhs_pbr import queueing
from camhs_pbr import tasks as site_tasks
from camhs_pbr.celery import app
from camhs_pbr.runs import lifecycle
from camhs_pbr.runs.models import RunStatus
from camhs_pbr.runs.tasks import reap_stalled_runs
from groupings.models import RegroupingRun
from groupings.selectors import current_rules_version
from lab.models import LabRun
from tests import factories
from tests.lab.run_helpers import lab_world

LONG_AGO = dt.timedelta(minutes=10)


@pytest.fixture
def idle_queue():
    """A private queue no worker consumes: what is sent to it waits there."""
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = f"nobody-{uuid.uuid4().hex[:8]}"
    try:
        yield
    finally:
        with app.connection_for_write() as connection:
            connection.default_channel.client.delete(app.conf.task_default_queue)  # type: ignore[attr-defined]
        app.conf.task_default_queue = default_queue


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_queued_run_whose_message_was_lost_is_queued_again_while_the_queue_is_busy(
    reference_data, idle_queue
):
    queueing.publish(site_tasks.worker_health)  # someone else's message: the queue is busy
    lost = lifecycle.request(
        RegroupingRun,
        key={"rules_version": current_rules_version(), "requested_by": None},
        by=None,
        send=False,
    ).run
    waiting = lifecycle.request(
        RegroupingRun,
        key={"rules_version": current_rules_version(), "requested_by": factories.user()},
        by=None,
    ).run  # sent: its message waits behind the other one
    RegroupingRun.objects.update(progress_at=timezone.now() - LONG_AGO)
    assert queueing.waiting_messages() == 2

    assert reap_stalled_runs(stalled_seconds=60) == 1
    assert RegroupingRun.objects.get(pk=lost.pk).requeues == 1
    assert RegroupingRun.objects.get(pk=waiting.pk).requeues == 0
    prefix = lifecycle.message_prefix(RegroupingRun, lost.pk)
    assert [m for m in queueing.waiting_message_ids() or () if m.startswith(prefix)]  # sent again


def test_by_default_a_dead_workers_run_is_queued_again_within_two_minutes_of_its_last_beat():
    assert settings.RUN_HEARTBEAT_SECONDS < settings.RUN_STALL_SECONDS <= 90
    assert settings.RUN_STALL_SECONDS + settings.RUN_REAPER_SECONDS <= 120
    [entry] = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if "reap" in e["task"]]
    assert (entry["task"], entry["schedule"]) == (reap_stalled_runs.name, settings.RUN_REAPER_SECONDS)


@pytest.mark.django_db
def test_the_run_page_says_when_a_run_looks_stalled_and_that_it_will_be_queued_again(client, service):
    world = lab_world(service, n=0)
    run = LabRun.objects.create(
        provider=world["provider"],
        requested_by=world["manager"],
        method="tree",
        closed_from=dt.date(2025, 6, 1),
        closed_to=dt.date(2025, 12, 31),
        rules_version=current_rules_version(),
        status=RunStatus.RUNNING,
    )
    client.force_login(world["manager"])
    assert "No sign of life" not in client.get(f"/lab/runs/{run.pk}/").content.decode()

    quiet_since = timezone.now() - LONG_AGO
    LabRun.objects.filter(pk=run.pk).update(progress_at=quiet_since)
    status = client.get(f"/lab/runs/{run.pk}/").content.decode().split('data-testid="run-status"')[1]
    local = timezone.localtime(quiet_since)
    assert (
        f"No sign of life from the worker since {local:%H:%M}; it will be queued again automatically."
        in status
    )
