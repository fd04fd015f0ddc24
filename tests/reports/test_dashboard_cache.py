"""The dashboard tabs keep their figures in the cache until something they count changes, and never show one
manager's cached figures to another whose teams differ (reports.dashboard_cache)."""

import re

import pytest
from django.core.cache import cache

from accounts.models import Role
from tests import factories
from tests.reports import dashboard_world
from tests.reports.dashboard_world import TODAY, allocate, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(reference_data):
    cache.clear()
    return dashboard_world.build()


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


def test_a_new_contact_shows_on_the_next_request(client, world):
    assert not_yet_seen(body(client, world.service_manager)) == 1
    factories.contact(world.cases[3][0], world.c1, starts_at=at(TODAY))
    page = body(client, world.service_manager)
    assert not_yet_seen(page) == 0
    assert 'data-testid="figures-as-of"' not in page


def test_a_new_allocation_shows_on_the_next_request(client, world):
    assert not_allocated(body(client, world.service_manager)) == 1
    allocate(world.cases[3][0], "GH03", TODAY, world.c1, review_due=TODAY)
    assert not_allocated(body(client, world.service_manager)) == 0


def test_the_data_quality_tab_counts_again_after_a_relevant_write(client, world):
    url = "/dashboard/data-quality/"
    before = body(client, world.service_manager, url)
    assert 'data-testid="figures-as-of"' in body(client, world.service_manager, url)
    allocate(world.cases[3][0], "GH03", TODAY, world.c1, review_due=TODAY)
    after = body(client, world.service_manager, url)
    assert 'data-testid="figures-as-of"' not in after and after != before


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
