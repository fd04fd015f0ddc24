"""With the task queue unreachable a re-grouping is refused quickly with a clear message and leaves a failed
run with that reason, never one queued forever; `--wait` gives up after `--timeout`."""

import time
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Role
from camhs_pbr.celery import app
from camhs_pbr.queueing import UNREACHABLE
from groupings.models import RegroupingRun
from groupings.selectors import current_rules_version
from tests import factories
from tests.support.brokers import publishing_to, silent_broker

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hung_broker():
    with silent_broker() as url, publishing_to(url):
        yield


def test_the_page_says_the_queue_is_unreachable_within_seconds_and_the_run_fails_with_that_reason(
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
    assert "was not started. The task queue is unreachable; try again later." in page
    [run] = RegroupingRun.objects.all()
    assert (run.status, run.error) == ("failed", UNREACHABLE)
    assert UNREACHABLE in page.split('data-testid="runs"')[1]


def test_the_command_exits_with_the_reason_when_the_queue_is_unreachable(reference_data, hung_broker):
    with pytest.raises(CommandError, match="The task queue is unreachable"):
        call_command("regroup_open_cases", "--wait")
    assert list(RegroupingRun.objects.values_list("status", flat=True)) == ["failed"]


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
