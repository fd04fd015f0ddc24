"""With the task queue unreachable a re-grouping is answered quickly with a clear message and kept queued,
marked refused, for the reaper to send once the queue is back; `--wait` gives up after `--timeout`."""

import time
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Role
from camhs_pbr.celery import app
from camhs_pbr.runs.wording import UNREACHABLE_NOW
from groupings.models import RegroupingRun
from groupings.selectors import current_rules_version
from tests import factories
from tests.support.brokers import publishing_to, silent_broker

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hung_broker():
    with silent_broker() as url, publishing_to(url):
        yield


def test_the_page_says_the_queue_is_unreachable_within_seconds_and_the_run_waits_for_it(
    client, service, hung_broker
):
    client.force_login(factories.user(Role.TEAM_MANAGER, teams=(service["team_a"],)))
    started = time.perf_counter()
    response = client.post(
        "/groupings/regrouping/", {"rules_version": current_rules_version().pk}, follow=True
    )
    assert time.perf_counter() - started < 8
    assert response.status_code == 200
    page = response.content.decode()
    assert f"is queued but not yet sent. {UNREACHABLE_NOW}" in page
    [run] = RegroupingRun.objects.all()
    assert (run.status, run.error, run.refused_at is not None) == ("queued", "", True)
    assert "will be sent to the workers when the queue is back" in page.split('data-testid="runs"')[1]


def test_the_command_exits_with_the_reason_when_the_queue_is_unreachable(reference_data, hung_broker):
    with pytest.raises(CommandError, match="The task queue is unreachable"):
        call_command("regroup_open_cases", "--wait")
    assert list(RegroupingRun.objects.values_list("status", flat=True)) == ["queued"]


def test_waiting_gives_up_after_the_timeout_while_the_run_goes_on(reference_data):
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = f"nobody-{uuid.uuid4().hex[:8]}"  # no worker consumes it
    try:
        started = time.perf_counter()
        with pytest.raises(CommandError, match=r"still queued after 1 s"):
            call_command("regroup_open_cases", "--wait", "--timeout", "1")
        assert time.perf_counter() - started < 5
    finally:
        app.conf.task_default_queue = default_queue
    assert list(RegroupingRun.objects.values_list("status", flat=True)) == ["queued"]
