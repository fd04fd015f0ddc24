"""Every dashboard request runs the same number of SQL queries for a caseload three times the size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.dashboard_panels import PANELS
from tests.reports import dashboard_world

pytestmark = pytest.mark.django_db


def urls(world) -> list[str]:
    team_a = world.provider_teams[0]
    return [
        "/dashboard/",
        f"/dashboard/?team={team_a.pk}&clinician={world.c1.pk}&period=3m",
        f"/dashboard/?grouping={dashboard_world.grouping('GH03').pk}&period=2025-05",
        "/dashboard/cases/open/",
        "/dashboard/cases/review-overdue/?period=6m",
        *(f"/dashboard/{table}.csv" for table in PANELS),
    ]


def counts(client, world, headers=None) -> dict[str, int]:
    client.force_login(world.service_manager)
    for url in urls(world):  # warm caches (content types, sessions) before counting
        client.get(url, headers=headers or {})
    measured = {}
    for url in urls(world):
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
        with django_assert_num_queries(expected):
            client.get(url)
    for url, expected in partial.items():
        with django_assert_num_queries(expected):
            client.get(url, headers={"HX-Request": "true"})
