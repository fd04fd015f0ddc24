"""The busiest pages run a fixed number of queries whatever the size of the caseload or of the case; the
re-grouping page's counts are cached until something they count changes."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from groupings import services
from tests import factories
from tests.groupings.helpers import ratings

LARGEST_PAGE = 20  # queries: session, user, audit and the page's own reads


@pytest.fixture
def manager(service):
    return factories.user(Role.TEAM_MANAGER, teams=(service["team_a"],))


def add_cases(service, count: int, *, contacts: int = 1, start: int = 0) -> list:
    """`count` open cases in team A, each with contacts, a Current View, its suggestion and an allocation."""
    clinician, made = service["clinician"], []
    for n in range(start, start + count):
        case = factories.case(
            service["team_a"], factories.patient(given_name="Kim", family_name=f"Case{n:03d}")
        )
        for _ in range(contacts):
            factories.contact(case, clinician)
        _, suggestion = services.record_and_suggest(
            by=clinician,
            case=case,
            completed_on=dt.date(2025, 3, 12),
            reason="first_contact",
            practitioner=clinician,
            ratings=ratings(p09=2),
        )
        assert suggestion.grouping is not None
        services.allocate_grouping(
            by=clinician, case=case, suggestion=suggestion, grouping=suggestion.grouping, seen_allocation=None
        )
        made.append(case)
    return made


def queries(client, django_db_connection, method: str, url: str, data: dict | None = None) -> int:
    client.get("/cases/")  # the first page of a login also looks up the user's authenticator app, once
    cache.clear()
    with CaptureQueriesContext(django_db_connection) as captured:
        assert getattr(client, method)(url, data or {}).status_code == 200
    return len(captured)


@pytest.fixture
def django_db_connection(db):
    from django.db import connection

    return connection


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/cases/", None),
        ("get", "/cases/?page=2", None),
        ("search", "/cases/", {"q": "case"}),
        ("get", "/groupings/regrouping/", None),
    ],
)
def test_the_caseload_and_the_regrouping_page_run_as_many_queries_for_113_cases_as_for_53(
    client, service, manager, django_db_connection, django_assert_num_queries, method, url, data
):
    client.force_login(manager)
    if method == "search":  # a search is POSTed once, then its results are read (and paged) by GET
        method, url, data = "get", client.post(url, data).url, None
    add_cases(service, 53)  # page 2 has three rows
    small = queries(client, django_db_connection, method, url, data)
    add_cases(service, 60, contacts=3, start=53)
    cache.clear()
    with django_assert_num_queries(small):
        getattr(client, method)(url, data or {})
    assert small <= LARGEST_PAGE


def test_the_case_page_runs_as_many_queries_for_a_long_case_as_for_a_short_one(
    client, service, manager, django_db_connection, django_assert_num_queries
):
    client.force_login(manager)
    short, long = add_cases(service, 1, contacts=1) + add_cases(service, 1, contacts=12, start=1)
    for n in range(3):  # more Current Views and allocations on the long case
        _, suggestion = services.record_and_suggest(
            by=service["clinician"],
            case=long,
            completed_on=dt.date(2025, 4, 1 + n),
            reason="review",
            practitioner=service["clinician"],
            ratings=ratings(p03=2),
        )
        assert suggestion.grouping is not None
        services.allocate_grouping(
            by=service["clinician"],
            case=long,
            suggestion=suggestion,
            grouping=suggestion.grouping,
            seen_allocation=long.allocations.open().get().pk,
        )
    small = queries(client, django_db_connection, "get", f"/cases/{short.pk}/")
    with django_assert_num_queries(small):
        client.get(f"/cases/{long.pk}/")
    assert small <= LARGEST_PAGE


def test_a_later_caseload_page_lists_its_cases_in_name_order_with_their_grouping(client, service, manager):
    client.force_login(manager)
    add_cases(service, 53)
    page = client.get("/cases/?page=2")
    rows = list(page.context["page"])
    assert [case.patient.family_name for case in rows] == ["Case050", "Case051", "Case052"]
    assert {case.grouping_code for case in rows} == {"GH03"}
    assert page.context["page"].paginator.count == 53
    assert "Page 2 of 2" in page.content.decode()


def movement_of(client) -> dict[tuple[str, str], int]:
    table = client.get("/groupings/regrouping/").context["movement"]
    return {(row["from_code"], row["to_code"]): row["cases"] for row in table}


def test_the_regrouping_page_counts_again_once_a_case_is_allocated_or_discharged(client, service, manager):
    client.force_login(manager)
    first, second = add_cases(service, 2)
    assert movement_of(client) == {("GH03", "GH03"): 2}
    assert movement_of(client) == {("GH03", "GH03"): 2}  # from the cache

    _, suggestion = services.record_and_suggest(
        by=service["clinician"],
        case=first,
        completed_on=dt.date(2025, 5, 1),
        reason="review",
        practitioner=service["clinician"],
        ratings=ratings(p03=2),
    )
    assert suggestion.grouping is not None
    code = suggestion.grouping.code
    assert movement_of(client) == {("GH03", "GH03"): 1, ("GH03", code): 1}

    services.allocate_grouping(
        by=service["clinician"],
        case=first,
        suggestion=suggestion,
        grouping=suggestion.grouping,
        seen_allocation=first.allocations.open().get().pk,
    )
    assert movement_of(client) == {("GH03", "GH03"): 1, (code, code): 1}
    agreement = client.get("/groupings/regrouping/").context["agreement"]
    assert agreement["All"].n == 3  # every allocation made from a suggestion, the ended one too

    factories.discharge(second, service["clinician"])
    assert movement_of(client) == {(code, code): 1}
