"""The two meanings of "open" (ARCHITECTURE.md, vocabulary) on a hand-worked set of three cases: a referral
not yet accepted, an accepted episode still open and a closed episode. Each page counts what its label says."""

import datetime as dt

import pytest
from django.db import connection

from accounts.models import Role
from assessments.models import Case, open_episode_on_sql, open_referral_on_sql
from dashboards import case_sets, panels
from dashboards import cases as d
from dashboards import data_quality as dq
from groupings.selectors import current_rules_version
from reports.casemix import casemix_rows
from reports.periods import Month
from tests import factories

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 10, 15)


@pytest.fixture
def three(service):
    """Team A of commissioner QAA: `awaiting` referred 1 September, not accepted; `episode` referred 1 and
    accepted 5 September, open; `closed` referred 1 and accepted 2 August, closed 20 September."""
    team = service["team_a"]
    commissioner = factories.commissioner(code="QAA")

    def case(referred, accepted=None, closed=None):
        return factories.case(
            team,
            commissioner=commissioner,
            referral_date=referred,
            accepted_date=accepted,
            closed_date=closed,
            discharge_reason="completed" if closed else "",
        )

    return {
        "awaiting": case(D(2026, 9, 1)),
        "episode": case(D(2026, 9, 1), D(2026, 9, 5)),
        "closed": case(D(2026, 8, 1), D(2026, 8, 2), D(2026, 9, 20)),
        **service,
    }


def named(three, *names):
    return {three[name] for name in names}


def test_an_open_referral_is_not_closed_and_an_open_episode_is_also_accepted(three):
    assert set(Case.objects.open_referrals()) == named(three, "awaiting", "episode")
    assert set(Case.objects.open_episodes()) == named(three, "episode")
    assert set(Case.objects.awaiting_acceptance()) == named(three, "awaiting")


@pytest.mark.parametrize(
    "day, referrals, episodes",
    [
        (D(2026, 8, 1), {"closed"}, set()),
        (D(2026, 8, 2), {"closed"}, {"closed"}),
        (D(2026, 9, 4), {"awaiting", "episode", "closed"}, {"closed"}),
        (D(2026, 9, 19), {"awaiting", "episode", "closed"}, {"episode", "closed"}),
        (D(2026, 9, 20), {"awaiting", "episode"}, {"episode"}),
    ],
)
def test_open_on_a_day_reads_the_dates_and_the_sql_twin_agrees(three, day, referrals, episodes):
    assert set(Case.objects.open_referrals_on(day)) == named(three, *referrals)
    assert set(Case.objects.open_episodes_on(day)) == named(three, *episodes)
    for condition, expected in ((open_referral_on_sql, referrals), (open_episode_on_sql, episodes)):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT c.id FROM assessments_case c WHERE {condition('c', '%(day)s')}", {"day": day}
            )
            assert {row[0] for row in cursor.fetchall()} == {three[name].pk for name in expected}


def test_the_caseload_lists_open_referrals_including_those_not_yet_accepted(client, three):
    client.force_login(three["clinician"])
    page = client.get("/cases/").content.decode()
    assert "2 open referrals." in page
    for name in ("awaiting", "episode"):
        assert three[name].patient.full_name in page
    assert three["closed"].patient.full_name not in page


def test_the_dashboard_counts_open_episodes_and_referrals_awaiting_acceptance_apart(three):
    manager = factories.user(Role.SERVICE_MANAGER, provider=three["provider"], profession=None)
    ctx = panels.context_for(manager, d.Filters(period=d.Period.parse("12m", TODAY)), TODAY)
    caseload = {row.cells[0]: row.cells[1] for row in panels.caseload_by_clinician(ctx).table.rows}
    assert caseload == {"Not yet seen": 1, "Referrals awaiting acceptance": 1}
    assert [row.cells[-1] for row in panels.open_by_grouping(ctx).table.rows] == [1]  # "Not allocated"
    for slug, expected in ((d.OPEN, {"episode"}), (d.AWAITING_ACCEPTANCE, {"awaiting"})):
        case_set = case_sets.get(slug)
        assert case_set is not None
        assert set(case_set.select(ctx.cases, TODAY)) == named(three, *expected)
    assert case_sets.get(d.OPEN).label == "Open episodes"  # type: ignore[union-attr]


def test_the_commissioners_casemix_counts_open_episodes_at_month_end(three):
    frame = casemix_rows(Month.of("2026-09"), "QAA", current_rules_version())
    assert frame["open_at_month_end"].sum() == 1  # the episode; not the referral awaiting acceptance
    assert frame["referred_in_month"].sum() == 2
    assert frame["closed_in_month"].sum() == 1


def test_the_data_quality_checks_cover_open_referrals_and_say_so(three):
    rows = [row for row in dq.panel(Case.objects.all(), TODAY) if row.slug == "quality-postcode"]
    assert [row.population for row in rows] == [2]
    check = next(check for check in dq.CHECKS if check.slug == "quality-postcode")
    assert check.population_label == "open referrals"
