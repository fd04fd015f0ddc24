"""The data-quality figures of the managers' dashboard (issue 16): each check counted against a small
hand-computed world, scoping, a constant number of queries, and the pure rules behind them."""

import datetime as dt

import pytest
from django.db import connection
from django.template.loader import get_template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, Team, User
from assessments.models import Case, CurrentView, MeasureResponse, MeasureScore
from dashboards import case_sets
from dashboards import data_quality as dq
from groupings.models import Allocation, Grouping
from groupings.selectors import current_rules_version
from reports.periods import Month
from tests import factories

D = dt.date
ACCEPTED = D(2025, 3, 10)
TODAY = D(2026, 10, 15)  # the trend runs from November 2025 to October 2026; the panel's window likewise


# Builders -------------------------------------------------------------------------------------------------


def attended(case: Case, clinician: User, day: dt.date, attendance: str = "attended") -> None:
    factories.contact(
        case,
        clinician,
        starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
        attendance=attendance,
    )


def current_view(case: Case, by: User, day: dt.date) -> CurrentView:
    return CurrentView.objects.create(
        case=case, completed_on=day, reason="first_contact", practitioner=by, recorded_by=by
    )


def allocation(case: Case, by: User, start: dt.date, review_due: dt.date, end: dt.date | None = None) -> None:
    Allocation.objects.create(
        case=case,
        grouping=Grouping.objects.get(rules_version=current_rules_version(), code="GH03"),
        start_date=start,
        end_date=end,
        review_due=review_due,
        allocated_by=by,
        reason_category="other",
        reason_text="Test data.",
    )


def response(
    case: Case, by: User, day: dt.date, scores: dict[str, int | None], informant: str = "parent"
) -> None:
    measure_response = MeasureResponse.objects.create(
        case=case, measure="sdq", informant=informant, completed_on=day, answers={}, recorded_by=by
    )
    for scale, value in scores.items():
        MeasureScore.objects.create(response=measure_response, scale=scale, value=value)


def invalid_nhs_number() -> str:
    valid = factories.next_nhs_number()
    return valid[:9] + str((int(valid[9]) + 1) % 10)


def case(team: Team, closed: dt.date | None = None, accepted: dt.date | None = ACCEPTED, **patient) -> Case:
    return factories.case(
        team,
        factories.patient(provider=team.provider, **patient),
        accepted_date=accepted,
        closed_date=closed,
        discharge_reason="completed" if closed else "",
    )


@pytest.fixture
def world(service) -> dict:
    """Team A: three open cases (one complete, one failing checks 1-5 and 7, one failing 6) and four closed
    ones; team B: one open case without an ethnic category. Referred 1 March 2025 unless said."""
    team_a, team_b, clinician = service["team_a"], service["team_b"], service["clinician"]
    complete = case(team_a)
    attended(complete, clinician, D(2026, 9, 1))
    attended(complete, clinician, D(2026, 9, 8))
    current_view(complete, clinician, D(2026, 9, 1))
    allocation(complete, clinician, D(2026, 9, 2), review_due=D(2026, 12, 2))

    # Check digit wrong, ethnicity not known, no postcode, gender not known; Current View the day after the
    # second attended contact (a missed appointment between does not count); review due 1 October.
    gaps = case(team_a, nhs_number=invalid_nhs_number(), ethnic_category="99", postcode="", gender="X")
    attended(gaps, clinician, D(2026, 9, 1))
    attended(gaps, clinician, D(2026, 9, 5), attendance="dna")
    attended(gaps, clinician, D(2026, 9, 10))
    current_view(gaps, clinician, D(2026, 9, 11))
    allocation(gaps, clinician, D(2026, 9, 12), review_due=D(2026, 10, 1))

    # "Not stated" and "Indeterminate" are recorded answers; one attended contact; a Current View, no
    # allocation.
    unallocated = case(team_a, ethnic_category="Z", gender="9")
    attended(unallocated, clinician, D(2026, 9, 15))
    current_view(unallocated, clinician, D(2026, 9, 20))

    paired = case(team_a, closed=D(2026, 10, 1))
    response(paired, clinician, D(2025, 4, 1), {"total": 20, "emotional": None})
    response(paired, clinician, D(2026, 9, 25), {"total": 12, "emotional": 3})
    unpaired = case(team_a, closed=D(2026, 8, 1))
    response(unpaired, clinician, D(2025, 4, 1), {"total": 20})
    case(team_a, closed=D(2025, 10, 31))  # closed before the window
    case(team_a, closed=D(2026, 10, 5), accepted=None)  # a referral never accepted is no episode

    case(team_b, ethnic_category="99")
    return {**service, "complete": complete, "gaps": gaps, "unallocated": unallocated, "unpaired": unpaired}


def failing(slug: str, cases, today: dt.date = TODAY) -> set[Case]:
    """The cases the drill-down list of `slug` shows."""
    case_set = case_sets.get(slug)
    assert case_set is not None, f"no case set {slug!r}"
    return set(case_set.select(cases, today))


def counts(point: dq.TrendPoint | None) -> tuple[int, int] | None:
    return None if point is None else (point.population, point.failing)


def figures(rows: list[dq.QualityRow], team: Team) -> dict[str, tuple[int, int]]:
    return {row.slug: (row.population, row.failing) for row in rows if row.team_id == team.pk}


# Each check against the world -----------------------------------------------------------------------------


def test_panel_counts_each_check_per_team(world):
    rows = dq.panel(Case.objects.all(), TODAY)

    assert figures(rows, world["team_a"]) == {
        "quality-nhs-number": (3, 1),
        "quality-ethnic-category": (3, 1),
        "quality-postcode": (3, 1),
        "quality-gender": (3, 1),
        "quality-current-view-by-second-contact": (2, 1),
        "quality-allocation": (3, 1),
        "quality-review-on-time": (2, 1),
        "quality-paired-outcome": (2, 1),
    }
    assert figures(rows, world["team_b"]) == {
        "quality-nhs-number": (1, 0),
        "quality-ethnic-category": (1, 1),
        "quality-postcode": (1, 0),
        "quality-gender": (1, 0),
        "quality-current-view-by-second-contact": (0, 0),
        "quality-allocation": (0, 0),
        "quality-review-on-time": (0, 0),
        "quality-paired-outcome": (0, 0),
    }


def test_each_case_set_lists_the_cases_its_count_counts(world):
    cases = Case.objects.all()
    lists = {check.slug: failing(check.slug, cases) for check in dq.CHECKS}

    gaps, unallocated, unpaired = world["gaps"], world["unallocated"], world["unpaired"]
    team_b_case = Case.objects.get(team=world["team_b"])
    assert lists == {
        "quality-nhs-number": {gaps},
        "quality-ethnic-category": {gaps, team_b_case},
        "quality-postcode": {gaps},
        "quality-gender": {gaps},
        "quality-current-view-by-second-contact": {gaps},
        "quality-allocation": {unallocated},
        "quality-review-on-time": {gaps},
        "quality-paired-outcome": {unpaired},
    }


def test_a_review_due_today_is_not_yet_overdue(world):
    assert world["gaps"] in failing("quality-review-on-time", Case.objects.all(), D(2026, 10, 2))
    assert world["gaps"] not in failing("quality-review-on-time", Case.objects.all(), D(2026, 10, 1))


def test_a_current_view_on_the_day_of_the_second_contact_is_in_time(service):
    clinician = service["clinician"]
    same_day = case(service["team_a"])
    attended(same_day, clinician, D(2026, 9, 1))
    attended(same_day, clinician, D(2026, 9, 3))
    current_view(same_day, clinician, D(2026, 9, 3))

    assert failing("quality-current-view-by-second-contact", Case.objects.all()) == set()


def test_a_pair_needs_two_scores_of_one_scale_from_one_informant(service):
    clinician = service["clinician"]

    def closed_with(*responses) -> Case:
        episode = case(service["team_a"], closed=D(2026, 9, 30))
        for informant, scores in responses:
            response(episode, clinician, D(2026, 1, 1), scores, informant=informant)
        return episode

    two_informants = closed_with(("parent", {"total": 20}), ("self", {"total": 15}))
    two_scales = closed_with(("parent", {"total": 20, "emotional": None}), ("parent", {"emotional": 4}))
    one_missing = closed_with(("parent", {"total": 20}), ("parent", {"total": None}))
    paired = closed_with(("self", {"total": 20}), ("parent", {"total": 18}), ("self", {"total": 9}))

    unpaired = failing("quality-paired-outcome", Case.objects.all())
    assert unpaired == {two_informants, two_scales, one_missing}
    assert paired not in unpaired


def test_trend_reconstructs_dated_checks_month_by_month(world):
    result = dq.trend(Case.objects.all(), TODAY)

    assert [month.label() for month in result.months] == [
        "2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04",
        "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10",
    ]  # fmt: skip
    by_slug = {row.check.slug: row for row in result.rows}

    def last_three(slug: str) -> list[tuple[int, int] | None]:
        return [counts(point) for point in by_slug[slug].points[-3:]]

    # As of 31 August, 30 September and 15 October 2026.
    assert last_three("quality-current-view-by-second-contact") == [(0, 0), (2, 1), (2, 1)]
    assert last_three("quality-allocation") == [(0, 0), (3, 1), (3, 1)]
    assert last_three("quality-review-on-time") == [(0, 0), (2, 0), (2, 1)]
    assert last_three("quality-paired-outcome") == [(1, 1), (0, 0), (1, 0)]
    assert [point.as_of for point in by_slug["quality-allocation"].points[-2:] if point] == [
        D(2026, 9, 30),
        TODAY,
    ]


def test_trend_shows_current_values_for_this_month_only(world):
    result = dq.trend(Case.objects.all(), TODAY)
    by_slug = {row.check.slug: row for row in result.rows}

    for slug in ("quality-nhs-number", "quality-ethnic-category", "quality-postcode", "quality-gender"):
        points = by_slug[slug].points
        assert points[:-1] == (None,) * 11
    assert counts(by_slug["quality-ethnic-category"].latest) == (4, 2)


def test_trend_puts_the_worst_check_first(world):
    rows = dq.trend(Case.objects.all(), TODAY).rows
    percents = [row.latest.percent if row.latest else None for row in rows]
    assert None not in percents
    assert percents == sorted(percents)  # type: ignore[type-var]  # no None, as asserted
    # Three checks at 50%: the one with more failing cases first, then in check order.
    assert [row.check.slug for row in rows[:3]] == [
        "quality-ethnic-category",
        "quality-current-view-by-second-contact",
        "quality-review-on-time",
    ]


# Scoping --------------------------------------------------------------------------------------------------


def test_a_team_managers_figures_hold_only_their_teams_cases(world):
    manager = factories.user(Role.TEAM_MANAGER, teams=(world["team_b"],))
    visible = Case.objects.visible_to(manager)

    rows = dq.panel(visible, TODAY)
    assert {row.team_id for row in rows} == {world["team_b"].pk}
    trend = {row.check.slug: row.latest for row in dq.trend(visible, TODAY).rows}
    assert counts(trend["quality-ethnic-category"]) == (1, 1)
    assert trend["quality-review-on-time"] is None
    for check in dq.CHECKS:
        assert all(c.team_id == world["team_b"].pk for c in check.case_set.select(visible, TODAY))


# A constant number of queries -----------------------------------------------------------------------------


def grow(teams: int, cases_per_team: int, clinician: User) -> None:
    """A world of `teams` teams, each case with contacts, a Current View, an allocation and responses."""
    provider = factories.provider()
    for _ in range(teams):
        team = factories.team(provider)
        for n in range(cases_per_team):
            episode = case(
                team, closed=D(2026, 6, 1) if n % 3 == 0 else None, ethnic_category="Z" if n % 2 else "99"
            )
            attended(episode, clinician, D(2026, 1, 5))
            attended(episode, clinician, D(2026, 2, 5))
            current_view(episode, clinician, D(2026, 2, 1 + n))
            allocation(episode, clinician, D(2026, 2, 10), review_due=D(2026, 5, 10), end=episode.closed_date)
            response(episode, clinician, D(2026, 1, 5), {"total": 10})
            response(episode, clinician, D(2026, 5, 5), {"total": 9})


@pytest.mark.parametrize("figure", [dq.panel, dq.trend], ids=["panel", "trend"])
def test_query_count_does_not_grow_with_teams_or_cases(service, django_assert_num_queries, figure):
    grow(2, 3, service["clinician"])  # 6 cases
    with CaptureQueriesContext(connection) as small:
        figure(Case.objects.all(), TODAY)

    grow(4, 4, service["clinician"])  # 6 teams, 22 cases
    with django_assert_num_queries(len(small.captured_queries)):
        figure(Case.objects.all(), TODAY)
    selects = [query for query in small.captured_queries if query["sql"].startswith("SELECT")]
    assert len(selects) == (1 if figure is dq.panel else len(dq.CHECKS))


# Pure rules -----------------------------------------------------------------------------------------------


def test_completeness_is_the_share_passing_never_rounded_up_to_100():
    assert dq.completeness(4, 1) == 75.0
    assert dq.completeness(3, 1) == 66.6
    assert dq.completeness(10_000, 1) == 99.9
    assert dq.completeness(5, 0) == 100.0
    assert dq.completeness(5, 5) == 0.0


def test_completeness_of_an_empty_population_is_none():
    assert dq.completeness(0, 0) is None


@pytest.mark.parametrize(("population", "failing"), [(3, 4), (3, -1)])
def test_completeness_refuses_impossible_counts(population, failing):
    with pytest.raises(ValueError, match="between 0 and the population"):
        dq.completeness(population, failing)


def row(team_id: int | None, slug: str, population: int, failing: int, team: str = "") -> dq.QualityRow:
    return dq.QualityRow(team_id, team or f"Team {team_id}", slug, slug, population, failing)


def test_worst_first_orders_by_completeness_then_failing_count_and_puts_empty_populations_last():
    rows = [
        row(1, "quality-postcode", 0, 0),
        row(1, "quality-gender", 10, 1),
        row(2, "quality-gender", 100, 10),
        row(2, "quality-postcode", 4, 2),
        row(1, "quality-nhs-number", 10, 0),
    ]
    ordered = [(r.team_id, r.slug) for r in dq.worst_first(rows)]
    assert ordered == [
        (2, "quality-postcode"),  # 50%
        (2, "quality-gender"),  # 90%, 10 failing
        (1, "quality-gender"),  # 90%, 1 failing
        (1, "quality-nhs-number"),  # 100%
        (1, "quality-postcode"),  # nothing to check
    ]


def test_as_of_is_the_month_end_or_today_for_the_running_month():
    assert dq.as_of(Month.of("2026-09"), TODAY) == D(2026, 9, 30)
    assert dq.as_of(Month.of("2026-10"), TODAY) == TODAY
    assert dq.as_of(Month.of("2024-02"), TODAY) == D(2024, 2, 29)


def test_month_window_counts_closures_within_the_month_up_to_today():
    assert dq.month_window(Month.of("2026-10"), TODAY) == dq.Window(D(2026, 10, 1), TODAY)
    assert dq.month_window(Month.of("2026-02"), TODAY) == dq.Window(D(2026, 2, 1), D(2026, 2, 28))


def test_the_panel_window_is_the_trends_twelve_months():
    assert dq.panel_window(TODAY) == dq.Window(D(2025, 11, 1), TODAY)
    assert dq.trend_months(TODAY)[0].first == dq.panel_window(TODAY).start
    assert dq.panel_window(D(2026, 1, 31)) == dq.Window(D(2025, 2, 1), D(2026, 1, 31))


def test_drill_down_keeps_the_pages_filters_and_narrows_to_the_rows_team():
    assert dq.drill_down_query(7, "period=2026-10&team=3&q=a+b") == "period=2026-10&q=a+b&team=7"
    assert dq.drill_down_query(7, "") == "team=7"
    assert dq.drill_down_query(None, "period=2026-10&team=3") == "period=2026-10&team=3"


def test_quality_table_puts_the_worst_check_and_team_first_and_adds_the_total():
    rows = [row(team, check.slug, 10, 0, team=f"Team {team}") for team in (1, 2) for check in dq.CHECKS]
    rows = [
        r if (r.team_id, r.slug) != (2, "quality-postcode") else row(2, "quality-postcode", 10, 4)
        for r in rows
    ]
    rows = [
        r if (r.team_id, r.slug) != (1, "quality-gender") else row(1, "quality-gender", 10, 1) for r in rows
    ]

    table = dq.quality_table(rows, "period=2026-10")

    assert [check.slug for check in table.checks[:2]] == ["quality-postcode", "quality-gender"]
    assert [(r.team, r.is_total) for r in table.rows] == [
        ("Team 2", False),
        ("Team 1", False),
        ("All teams", True),
    ]
    postcode_total = table.rows[-1].cells[0]
    assert (postcode_total.row.population, postcode_total.row.failing, postcode_total.percent) == (
        20,
        4,
        80.0,
    )
    assert table.rows[0].cells[0].query == "period=2026-10&team=2"
    assert postcode_total.query == "period=2026-10"


def test_quality_table_of_no_rows_is_empty():
    assert dq.quality_table([], "").rows == ()


def test_every_check_is_registered_as_a_case_set_under_its_slug():
    assert all(case_sets.get(check.slug) is check.case_set for check in dq.CHECKS)


def test_the_partial_compiles():
    get_template("dashboards/_data_quality.html")
