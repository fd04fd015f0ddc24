"""A clinician's home page (the caseload) lists their reviews due in the next 28 days (the due-soon horizon the dashboard reads too), overdue ones first."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from groupings.selectors import my_reviews_due
from tests import factories
from tests.dashboards.dashboard_world import allocate, at

pytestmark = pytest.mark.django_db


def test_my_reviews_lists_my_cases_due_within_28_days_soonest_first(client, service, reference_data):
    today = timezone.localdate()
    me, colleague = service["clinician"], factories.user(Role.CLINICIAN, teams=(service["team_a"],))

    def case_seen_by(clinician, name, review_due, *, closed=False):
        case = factories.case(service["team_a"], factories.patient(given_name=name, family_name="Review"))
        factories.contact(case, clinician, starts_at=at(today - dt.timedelta(days=3)))
        allocate(case, "GH03", today - dt.timedelta(days=60), clinician, review_due=review_due)
        return case

    overdue = case_seen_by(me, "Olive", today - dt.timedelta(days=2))
    soon = case_seen_by(me, "Sam", today + dt.timedelta(days=10))
    case_seen_by(me, "Later", today + dt.timedelta(weeks=5))  # beyond the 28 days
    case_seen_by(colleague, "Theirs", today + dt.timedelta(days=5))  # a colleague's case
    # Seen by me long ago, but a colleague saw them last: their case now.
    moved = case_seen_by(me, "Moved", today + dt.timedelta(days=3))
    factories.contact(moved, colleague, starts_at=at(today - dt.timedelta(days=1)))

    assert [case.patient.given_name for case in my_reviews_due(me, today)["my_reviews"]] == ["Olive", "Sam"]

    client.force_login(me)
    body = client.get("/cases/").content.decode()
    panel = body[body.index('data-testid="my-reviews"') :]
    panel = panel[: panel.index("</section>")]
    assert f'/cases/{overdue.pk}/"' in panel and "overdue since" in panel
    assert f'/cases/{soon.pk}/"' in panel and "Theirs" not in panel and "Later" not in panel


def test_with_nothing_due_the_panel_says_so(client, service, reference_data):
    client.force_login(service["clinician"])
    assert (
        "None: no review of your cases is due in the next 28 days." in client.get("/cases/").content.decode()
    )


def test_a_manager_who_has_seen_no_one_is_answered_from_one_lookup_of_their_contacts(service, reference_data):
    manager = factories.user(Role.TEAM_MANAGER, teams=(service["team_a"],))
    case = factories.case(service["team_a"], factories.patient())
    factories.contact(case, service["clinician"])  # the team has cases; the manager has seen none of them
    with CaptureQueriesContext(connection) as captured:
        assert my_reviews_due(manager, timezone.localdate())["my_reviews"] == []
    # One look at their attended contacts; the service's open cases are not read.
    assert len(captured) == 1 and '"assessments_case"' not in captured.captured_queries[0]["sql"]
