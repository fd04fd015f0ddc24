"""The monthly case-mix report: every figure against a small hand-computed month."""

import pytest

from accounts.models import Team
from groupings.selectors import current_rules_version
from reports.casemix import (
    COLUMNS,
    FIGURES,
    TEAM_COLUMNS,
    casemix_rows,
    headline_rows,
    team_casemix_rows,
    team_headline_rows,
)
from reports.periods import Month
from tests.reports.helpers import expected_october_rows, october_casemix

pytestmark = pytest.mark.django_db
OCTOBER = Month.of("2026-10")


@pytest.fixture
def october(reference_data):
    return october_casemix()


def test_the_casemix_has_exactly_the_report_columns(october):
    frame = casemix_rows(OCTOBER, "QAA", current_rules_version())
    assert (
        tuple(frame.columns)
        == COLUMNS
        == (
            "period",
            "commissioner_code",
            "provider_code",
            "super_group",
            "grouping",
            "grouping_name",
            "age_band",
            "gender",
            "open_at_month_end",
            "referred_in_month",
            "closed_in_month",
        )
    )


def test_every_casemix_figure_matches_the_hand_computed_month(october):
    frame = casemix_rows(OCTOBER, "QAA", current_rules_version())
    assert frame.values.tolist() == expected_october_rows()


def test_another_commissioners_cases_are_not_counted(october):
    frame = casemix_rows(OCTOBER, "QZZ", current_rules_version())
    assert frame[["provider_code", "grouping", "open_at_month_end", "referred_in_month"]].values.tolist() == [
        ["RAA", "GH03", 1, 1]
    ]


def test_a_month_without_cases_gives_an_empty_report_with_its_columns(october):
    frame = casemix_rows(Month.of("2020-01"), "QAA", current_rules_version())
    assert frame.empty and tuple(frame.columns) == COLUMNS


def test_the_headline_counts_this_month_last_month_and_the_same_month_last_year(october):
    frame = headline_rows(OCTOBER, "QAA")
    # October: the cube's totals. September: open on the 30th c1, c6, c10 and c11; referred c1, c3 and c7
    # (never accepted); none closed. October 2025: before every case of the month.
    assert frame.values.tolist() == [
        ["open_at_month_end", 4, 4, 0],
        ["referred_in_month", 3, 3, 0],
        ["closed_in_month", 2, 0, 0],
    ]
    cube = casemix_rows(OCTOBER, "QAA", current_rules_version())
    assert frame["this_month"].tolist() == [int(cube[f].sum()) for f in frame["figure"]]


def test_a_providers_casemix_by_team_counts_every_commissioners_cases_of_its_teams(october):
    frame = team_casemix_rows(OCTOBER, "RAA", current_rules_version())
    assert tuple(frame.columns) == TEAM_COLUMNS
    team = Team.objects.get(provider__code="RAA")
    assert set(frame["team_code"]) == {team.code} and set(frame["team_name"]) == {team.name}
    # RAA's rows of the commissioner's cube, and QZZ's case c8 (GH03, 11-15, female: open and referred).
    assert frame[["grouping", "age_band", "gender", *FIGURES]].values.tolist() == [
        ["UNGROUPED", "0-4", "X", 0, 1, 0],
        ["UNGROUPED", "11-15", "2", 1, 0, 0],
        ["GH03", "5-10", "1", 0, 1, 1],
        ["GH03", "11-15", "2", 4, 1, 0],
    ]


def test_a_providers_headline_is_counted_per_team(october):
    frame = team_headline_rows(OCTOBER, "RAA")
    team = Team.objects.get(provider__code="RAA")
    # September at RAA: open on the 30th c1, c10 and c11; referred c1, c3 and c7.
    assert frame.values.tolist() == [
        [team.code, "open_at_month_end", 5, 3, 0],
        [team.code, "referred_in_month", 3, 3, 0],
        [team.code, "closed_in_month", 1, 0, 0],
    ]
