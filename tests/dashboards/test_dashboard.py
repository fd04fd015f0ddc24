"""The manager dashboard's figures against the hand-computed world of tests/dashboards/dashboard_world.py."""

import datetime as dt

import numpy as np
import pytest

from dashboards import case_sets, panels
from dashboards import cases as d
from dashboards.figures import GroupingCount, by_super_group, waiting_by_team, waiting_days
from reports.models import UnitCost
from tests.dashboards import dashboard_world
from tests.dashboards.dashboard_world import TODAY

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def world(reference_data):
    return dashboard_world.build()


def context(user, today=TODAY, period="12m", **narrowing):
    return panels.context_for(user, d.Filters(period=d.Period.parse(period, today), **narrowing), today)


def cells(panel):
    return [row.cells for row in panel.table.rows]


def test_open_episodes_by_grouping_count_the_open_allocation_and_those_not_allocated(world):
    ctx = context(world.service_manager)
    assert [(code, count) for code, _, _, count in cells(panels.open_by_grouping(ctx))] == [
        ("GH03", 2),
        ("GH04", 1),
        ("Not allocated", 1),
    ]
    assert cells(panels.open_by_super_group(ctx)) == [
        ("Getting Advice", 0),
        ("Getting Help", 3),
        ("Getting More Help", 0),
        ("Not allocated", 1),
    ]


def test_a_case_counts_under_the_clinician_of_its_latest_attended_contact(world):
    # Case 1 was seen by c1 first and by c2 last: it is c2's; case 3 only had a did-not-attend.
    assert cells(panels.caseload_by_clinician(context(world.service_manager))) == [
        ("Dev Two", 2),
        ("Cara One", 1),
        ("Not yet seen", 1),
        ("Referrals awaiting acceptance", 0),
    ]


def test_referrals_first_attended_contacts_and_discharges_by_month(world):
    rows = {
        month: figures for month, *figures in cells(panels.activity_by_month(context(world.service_manager)))
    }
    assert list(rows)[0] == "2024-07" and list(rows)[-1] == "2025-06" and len(rows) == 12
    assert rows["2025-01"] == [2, 1, 0]
    assert rows["2025-02"] == [0, 1, 0]
    assert rows["2025-03"] == [1, 1, 0]
    assert rows["2025-04"] == [1, 0, 0]
    assert rows["2025-05"] == [1, 1, 1]
    assert rows["2025-06"] == [0, 0, 0]  # case 1's June contact is not its first


def test_waiting_times_are_the_median_and_90th_percentile_by_team(world):
    # Team A: 9 (case 1), 30 (case 2) and 15 (case 5) days; p90 interpolates 15 + 0.8 x (30 - 15) = 27.
    assert cells(panels.waiting_times(context(world.service_manager))) == [
        ("Team A", 3, 15.0, 27.0),
        ("Team B", 1, 22.0, 22.0),
    ]


def test_waiting_times_count_only_cases_first_seen_in_the_period(world):
    # The last 3 months (April to 15 June): only case 2, first seen on 1 May, 30 days after referral.
    assert cells(panels.waiting_times(context(world.service_manager, period="3m"))) == [
        ("Team A", 1, 30.0, 30.0)
    ]
    assert cells(panels.waiting_times(context(world.service_manager, period="2025-02"))) == [
        ("Team B", 1, 22.0, 22.0)
    ]


def test_open_episodes_by_weeks_since_the_last_attended_contact(world):
    # Case 1: 5 days; case 2: 45 days; case 4: 134 days; case 3: never.
    assert cells(panels.last_seen_bands(context(world.service_manager))) == [
        ("Under 2 weeks", 1),
        ("2 to 4 weeks", 0),
        ("4 to 8 weeks", 1),
        ("8 to 12 weeks", 0),
        ("12 weeks or more", 1),
        ("Never seen", 1),
    ]


def test_the_bands_meet_at_whole_weeks(world):
    # Case 1 was last seen on 10 June: 13 days before 23 June is under 2 weeks, 14 days before 24 June is not.
    bands = dict(cells(panels.last_seen_bands(context(world.service_manager, today=D(2025, 6, 23)))))
    assert bands["Under 2 weeks"] == 1
    bands = dict(cells(panels.last_seen_bands(context(world.service_manager, today=D(2025, 6, 24)))))
    assert bands["Under 2 weeks"] == 0 and bands["2 to 4 weeks"] == 1


def test_overdue_and_soon_due_reviews_are_counted_and_listed(world):
    table, lists = panels.reviews(context(world.service_manager))
    overdue, soon = lists
    assert (overdue.count, [case.pk for case in overdue.first]) == (1, [world.cases[1][0].pk])
    assert (soon.count, [case.pk for case in soon.first]) == (1, [world.cases[2][0].pk])
    # Due on 10 June: not overdue on 10 June itself (groupings.reviews.is_overdue), overdue the day after.
    _, (on_the_day, _) = panels.reviews(context(world.service_manager, today=D(2025, 6, 10)))
    assert on_the_day.count == 0


def test_current_views_missing_or_not_yet_allocated(world):
    # Case 3 has no Current View; case 2's latest (1 June) came after its allocation (1 May).
    assert cells(panels.recording(context(world.service_manager))) == [
        ("Open episodes without a Current View", 1),
        ("Open episodes whose latest Current View has no allocation made on or after it", 1),
    ]


def test_allocations_against_the_suggestion_by_team_and_by_clinician(world):
    ctx = context(world.service_manager)
    # Team A: cases 1 and 5 followed the suggestion, case 2 differed; team B: case 4 had no suggestion.
    assert cells(panels.suggestions_by_team(ctx)) == [
        ("Team A", 3, 2, 1, 0, 0.333),
        ("Team B", 1, 0, 0, 1, None),
    ]
    assert cells(panels.suggestions_by_clinician(ctx)) == [
        ("Cara One", 3, 2, 1, 0, 0.333),
        ("Dev Two", 1, 0, 0, 1, None),
    ]


def test_cost_this_month_against_the_indicative_price(world):
    # June: case 1's hour with c2 (a nurse at 37.00 an hour); GH03 has 2 open episodes and 10 expected
    # appointments at the reference contact cost of 128.00.
    table = panels.cost_this_month(context(world.service_manager)).table
    assert table.problem == ""
    assert [row.cells for row in table.rows] == [
        ("GH03", 2, 1, 37.0, 18.5, 1280.0, -1261.5),
        ("GH04", 1, 0, 0.0, 0.0, 1280.0, -1280.0),
        ("Not allocated", 1, 0, 0.0, 0.0, None, None),
    ]


def test_a_missing_unit_cost_is_said_on_the_panel_instead_of_failing(world):
    UnitCost.objects.filter(profession=world.c2.profession).delete()
    table = panels.cost_this_month(context(world.service_manager)).table
    assert table.rows == ()
    assert "1 attended contact in June 2025 had no unit cost in force" in table.problem


def test_filters_narrow_every_panel_to_a_team_a_clinician_or_a_grouping(world):
    team_a, team_b = world.provider_teams
    by_team = context(world.service_manager, team=team_b)
    assert cells(panels.caseload_by_clinician(by_team)) == [
        ("Dev Two", 1),
        ("Not yet seen", 0),
        ("Referrals awaiting acceptance", 0),
    ]
    by_clinician = context(world.service_manager, clinician=world.c1)
    assert [c[3] for c in cells(panels.open_by_grouping(by_clinician))] == [1, 0]  # case 2 (GH04)
    by_grouping = context(world.service_manager, grouping=dashboard_world.grouping("GH03"))
    # Open GH03 episodes (cases 1 and 4) and case 5, whose last allocation was GH03 when it closed.
    assert cells(panels.activity_by_month(by_grouping))[6][1:] == (2, 1, 0)  # January: cases 4 and 5
    assert cells(panels.open_by_super_group(by_grouping))[1] == ("Getting Help", 2)


def test_a_team_manager_sees_only_their_team_in_every_panel(world):
    ctx = context(world.team_manager)
    assert [(c[0], c[3]) for c in cells(panels.open_by_grouping(ctx))] == [
        ("GH03", 1),
        ("GH04", 1),
        ("Not allocated", 1),
    ]
    assert cells(panels.caseload_by_clinician(ctx)) == [
        ("Cara One", 1),
        ("Dev Two", 1),
        ("Not yet seen", 1),
        ("Referrals awaiting acceptance", 0),
    ]
    assert [row[0] for row in cells(panels.waiting_times(ctx))] == ["Team A"]
    assert [row[0] for row in cells(panels.suggestions_by_team(ctx))] == ["Team A"]
    assert [row[0] for row in cells(panels.suggestions_by_clinician(ctx))] == ["Cara One"]
    assert sum(row[1] for row in cells(panels.last_seen_bands(ctx))) == 3
    _, (overdue, soon) = panels.reviews(ctx)
    assert overdue.count == 1 and soon.count == 1
    for case_set in case_sets.all_sets():
        selected = case_set.select(ctx.cases, TODAY)
        assert not selected.exclude(team=world.provider_teams[0]).exists(), case_set.slug


def test_the_other_providers_case_is_in_no_panel_of_a_service_manager(world):
    ctx = context(world.service_manager)
    assert not ctx.cases.filter(pk=world.other_provider_case.pk).exists()
    assert "Olu Outside" not in str(cells(panels.caseload_by_clinician(ctx)))
    _, (overdue, _) = panels.reviews(ctx)
    assert overdue.count == 1  # the other provider's overdue review is not counted


def test_each_count_links_to_the_list_of_the_same_cases(world):
    ctx = context(world.service_manager)
    tables = [
        panels.open_by_super_group(ctx).table,
        panels.last_seen_bands(ctx).table,
        panels.reviews(ctx)[0].table,
        panels.recording(ctx).table,
    ]
    checked = 0
    for row in (row for table in tables for row in table.rows):
        label, count, link = row.cells[0], row.cells[-1], str(row.links[-1])
        path, query = link.split("?")
        assert query == "period=12m", label  # the same filters, nothing added
        case_set = case_sets.get(path.removeprefix("/dashboard/cases/").strip("/"))
        assert case_set is not None, link
        assert case_set.select(ctx.cases, TODAY).count() == count, label
        checked += 1
    assert checked == 14  # 4 super-groups, 6 bands, 2 review counts, 2 recording counts


def test_periods_are_whole_london_months_and_refuse_the_future():
    period = d.Period.parse("3m", TODAY)
    assert (period.first, period.last) == (D(2025, 4, 1), TODAY)
    month = d.Period.parse("2025-02", TODAY)
    assert (month.first, month.last, month.label) == (D(2025, 2, 1), D(2025, 2, 28), "February 2025")
    with pytest.raises(ValueError, match="has not started yet"):
        d.Period.parse("2025-07", TODAY)
    with pytest.raises(ValueError, match="YYYY-MM"):
        d.Period.parse("last year", TODAY)


def test_waiting_percentiles_interpolate_between_cases():
    days = waiting_days([D(2025, 1, 1)] * 4, [D(2025, 1, 11), D(2025, 1, 21), D(2025, 1, 31), D(2025, 2, 10)])
    assert days.tolist() == [10, 20, 30, 40]
    (wait,) = waiting_by_team([7, 7, 7, 7], days)
    assert (wait.cases, wait.median_days, wait.p90_days) == (4, 25.0, 37.0)
    assert waiting_by_team([], np.zeros(0, dtype=int)) == []


def test_super_groups_roll_up_every_grouping_and_keep_empty_ones():
    counts = [GroupingCount("GA01", "", "Getting Advice", 2), GroupingCount(None, "", None, 1)]
    assert by_super_group(counts) == [
        ("Getting Advice", 2),
        ("Getting Help", 0),
        ("Getting More Help", 0),
        ("Not allocated", 1),
    ]
