"""Every dashboard request runs the same number of SQL queries for a caseload three times the size, whether
it counts its figures or finds them in the cache."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards.panels import PANELS
from tests.dashboards import dashboard_world

pytestmark = pytest.mark.django_db


def urls(world) -> list[str]:
    team_a = world.provider_teams[0]
    return [
        "/dashboard/",
        f"/dashboard/?team={team_a.pk}&clinician={world.c1.pk}&period=3m",
        f"/dashboard/?grouping={dashboard_world.grouping('GH03').pk}&period=2025-05",
        "/dashboard/cases/open/",
        "/dashboard/cases/review-overdue/?period=6m",
        "/dashboard/cases/open/?page=2",
        "/dashboard/data-quality/",
        f"/dashboard/data-quality/?team={team_a.pk}&period=3m",
        "/dashboard/cases/quality-allocation/",
        *(f"/dashboard/{table}.csv" for table in PANELS),
    ]


def counts(client, world, headers=None, cached=False) -> dict[str, int]:
    client.force_login(world.service_manager)
    for url in urls(world):  # warm caches (content types, sessions) before counting
        client.get(url, headers=headers or {})
    measured = {}
    for url in urls(world):
        if not cached:
            cache.clear()  # the figures are counted, not read from the cache
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, headers=headers or {})
        assert response.status_code == 200, url
        measured[url] = len(queries.captured_queries)
    return measured


def test_the_number_of_queries_does_not_grow_with_the_caseload(
    client, reference_data, django_assert_num_queries
):
    small = dashboard_world.build(copies=1)
    before = counts(client, small)
    partial = counts(client, small, headers={"HX-Request": "true"})
    # Two more copies of every case of the provider: three times the caseload, the same requests.
    for _ in range(2):
        dashboard_world.seed_cases(*small.provider_teams, small.c1, small.c2)
    client.force_login(small.service_manager)
    for url, expected in before.items():
        cache.clear()
        with django_assert_num_queries(expected):
            client.get(url)
    for url, expected in partial.items():
        cache.clear()
        with django_assert_num_queries(expected):
            client.get(url, headers={"HX-Request": "true"})


def test_figures_from_the_cache_take_fewer_queries_and_as_many_for_a_larger_caseload(
    client, reference_data, django_assert_num_queries
):
    small = dashboard_world.build(copies=1)
    counted = counts(client, small)
    cached = counts(client, small, cached=True)
    for tab in ("/dashboard/", "/dashboard/data-quality/"):
        assert cached[tab] < counted[tab], tab
    for _ in range(2):
        dashboard_world.seed_cases(*small.provider_teams, small.c1, small.c2)
    client.force_login(small.service_manager)
    for url, expected in cached.items():
        client.get(url)  # counted again: the new cases changed the stamp
        with django_assert_num_queries(expected):
            client.get(url)
