"""The dashboard tabs keep their panels in the cache; after a change a reader gets the kept ones, said to be
stale, while a Celery worker counts them again (tasks in-process: counted before the page is shown); one
manager's kept panels are never shown to another whose teams differ (dashboards.cache)."""

import datetime as dt
import re
import time
import uuid

import pytest
from django.core.cache import cache

from accounts.models import Role
from camhs_pbr.celery import app
from tests import factories
from tests.dashboards import dashboard_world
from tests.dashboards.dashboard_world import TODAY, allocate, at
from tests.support.brokers import publishing_to, silent_broker

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(reference_data):
    cache.clear()
    return dashboard_world.build()


@pytest.fixture
def in_process():
    """Tasks run in the request, as in `make run` without a broker."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def nobody_counts():
    """A queue no worker consumes: what is queued waits."""
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = f"nobody-{uuid.uuid4().hex[:8]}"
    yield
    app.conf.task_default_queue = default_queue


def body(client, user, url="/dashboard/"):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def not_yet_seen(page: str) -> int:
    match = re.search(r"<td>Not yet seen</td><td[^>]*><a [^>]*>(\d+)</a>", page)
    assert match, "the caseload panel counts the cases not yet seen"
    return int(match.group(1))


def not_allocated(page: str) -> int:
    match = re.search(r"<td>Not allocated</td><td[^>]*></td><td[^>]*></td><td[^>]*><a [^>]*>(\d+)</a>", page)
    assert match, "the grouping panel counts the open episodes not allocated"
    return int(match.group(1))


def test_a_second_request_is_served_from_the_cache_and_says_when_the_figures_were_counted(client, world):
    first = body(client, world.service_manager)
    assert 'data-testid="figures-as-of"' not in first
    second = body(client, world.service_manager)
    assert re.search(r'data-testid="figures-as-of">Figures as of \d\d:\d\d\.', second)
    assert not_yet_seen(second) == not_yet_seen(first) == 1


def test_without_a_broker_a_new_contact_is_counted_before_the_next_page_is_shown(client, world, in_process):
    assert not_yet_seen(body(client, world.service_manager)) == 1
    factories.contact(world.cases[3][0], world.c1, starts_at=at(TODAY))
    page = body(client, world.service_manager)
    assert not_yet_seen(page) == 0
    assert 'data-testid="figures-stale"' not in page


def test_without_a_broker_a_new_allocation_is_counted_before_the_next_page_is_shown(
    client, world, in_process
):
    assert not_allocated(body(client, world.service_manager)) == 1
    allocate(world.cases[3][0], "GH03", TODAY, world.c1, review_due=TODAY)
    assert not_allocated(body(client, world.service_manager)) == 0


def test_without_a_broker_the_data_quality_tab_counts_again_after_a_relevant_write(client, world, in_process):
    url = "/dashboard/data-quality/"
    before = body(client, world.service_manager, url)
    assert 'data-testid="figures-as-of"' in body(client, world.service_manager, url)
    allocate(world.cases[3][0], "GH03", TODAY, world.c1, review_due=TODAY)
    after = body(client, world.service_manager, url)
    assert after != before and 'data-testid="figures-stale"' not in after


def test_after_a_change_the_kept_figures_show_at_once_said_to_be_stale_and_one_recount_is_queued(
    client, world, nobody_counts
):
    from camhs_pbr.queueing import waiting_messages

    assert not_yet_seen(body(client, world.service_manager)) == 1
    factories.contact(world.cases[3][0], world.c1, starts_at=at(TODAY))
    queued_before = waiting_messages()
    for _ in range(3):
        page = body(client, world.service_manager)
        assert not_yet_seen(page) == 1  # counted before the contact
        assert "Newer records are being counted: refresh in a minute to include them." in page
    assert waiting_messages() == queued_before + 1  # one recount for three readers


def test_with_the_queue_unreachable_the_kept_figures_still_show(client, world):
    assert not_yet_seen(body(client, world.service_manager)) == 1
    factories.contact(world.cases[3][0], world.c1, starts_at=at(TODAY))
    with silent_broker() as url, publishing_to(url):
        started = time.perf_counter()
        page = body(client, world.service_manager)
    assert time.perf_counter() - started < 8
    assert not_yet_seen(page) == 1 and 'data-testid="figures-stale"' in page


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_worker_counts_the_stale_tab_again_and_the_next_reader_gets_the_new_figures(
    client, reference_data, celery_worker, worker_cache
):
    world = dashboard_world.build()
    assert not_yet_seen(body(client, world.service_manager)) == 1
    factories.contact(world.cases[3][0], world.c1, starts_at=at(TODAY))
    stale = body(client, world.service_manager)
    assert not_yet_seen(stale) == 1 and 'data-testid="figures-stale"' in stale
    deadline = time.monotonic() + 60
    while 'data-testid="figures-stale"' in (page := body(client, world.service_manager)):
        assert time.monotonic() < deadline, "the worker did not count the tab again within 60 s"
        time.sleep(0.5)
    assert not_yet_seen(page) == 0


def test_managers_of_different_teams_never_get_each_others_cached_figures(client, world):
    team_a, team_b = world.provider_teams
    manager_b = factories.user(Role.TEAM_MANAGER, teams=(team_b,))
    overdue_in_a = world.cases[1][0].patient.full_name
    page_a = body(client, world.team_manager)
    assert overdue_in_a in page_a
    page_b = body(client, manager_b)
    assert overdue_in_a not in page_b and 'data-testid="figures-as-of"' not in page_b
    assert not_yet_seen(page_b) == 0 and not_yet_seen(page_a) == 1
    quality_a = body(client, world.team_manager, "/dashboard/data-quality/")
    quality_b = body(client, manager_b, "/dashboard/data-quality/")
    assert team_a.name in quality_a and team_a.name not in quality_b


def test_on_a_new_day_the_kept_figures_show_said_to_be_stale_while_they_are_counted_again(
    client, world, nobody_counts, monkeypatch
):
    from django.utils import timezone

    from camhs_pbr.queueing import waiting_messages

    today = timezone.localdate()
    assert 'data-testid="figures-stale"' not in body(client, world.service_manager)
    monkeypatch.setattr(timezone, "localdate", lambda *args: today + dt.timedelta(days=1))
    page = body(client, world.service_manager)
    assert 'data-testid="figures-stale"' in page  # not counted again in the request
    assert waiting_messages() == 1
