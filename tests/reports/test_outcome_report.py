"""The outcome report by grouping: closed episodes of the month, paired measures and reliable change.

Hand-worked thresholds (assessments.reference, SPEC §6: 1.96 x SD1 x sqrt(2 x (1 - r))):
- SDQ parent total difficulties: SD1 5.8, r 0.8 -> 7.19; caseness cut-off 17, higher is worse.
- SDQ parent emotional: SD1 2.4, r 0.75 -> 3.33.
- HoNOSCA clinician total: SD1 6.0, r 0.8 -> 7.44; no cut-off, so "recovered" does not apply.
- SDQ impact has no threshold row: paired but not classified.
"""

import datetime as dt
import math

import pandas as pd
import pytest

from assessments.models import Case, MeasureResponse, MeasureScore
from assessments.outcomes import first_and_latest
from groupings.models import Allocation, Grouping
from reports.outcome_report import COLUMNS, COUNT_COLUMNS, SHARES, measure_pairs, outcome_rows
from reports.periods import UNGROUPED, Month
from tests import factories

OCTOBER = Month.of("2026-10")


@pytest.fixture
def episodes(service):
    """Seven episodes of one provider's team A (and one of another provider) for two commissioners."""
    team_a = service["team_a"]
    elsewhere = factories.team(factories.provider())
    c1, c2 = service["commissioner"], factories.commissioner()
    by = service["clinician"]
    gh03, gh04 = (
        Grouping.objects.get(rules_version__is_current=True, code="GH03"),
        Grouping.objects.get(rules_version__is_current=True, code="GH04"),
    )

    def episode(team, commissioner, closed, grouping=None, accepted=dt.date(2026, 1, 10)):
        case = factories.case(
            team,
            commissioner=commissioner,
            accepted_date=accepted,
            closed_date=closed,
            discharge_reason="completed" if accepted else "not_accepted",
        )
        if grouping is not None:
            Allocation.objects.create(
                case=case,
                grouping=grouping,
                suggested_grouping=grouping,
                start_date=dt.date(2026, 2, 1),
                review_due=dt.date(2026, 8, 1),
                allocated_by=by,
            )
        return case

    def scored(case, measure, informant, completed_on, **scores):
        response = MeasureResponse.objects.create(
            case=case,
            measure=measure,
            informant=informant,
            completed_on=completed_on,
            answers={},
            recorded_by=by,
        )
        MeasureScore.objects.bulk_create(
            MeasureScore(response=response, scale=scale, value=value) for scale, value in scores.items()
        )

    # Improves reliably and recovers: total 24 -> 12 (the missing September score and the middle one are
    # not the pair); emotional 8 -> 7 is no reliable change; impact 6 -> 2 has no threshold.
    improves = episode(team_a, c1, dt.date(2026, 10, 15), gh03)
    scored(improves, "sdq", "parent", dt.date(2026, 7, 1), total_difficulties=24, emotional=8, impact=6)
    scored(improves, "sdq", "parent", dt.date(2026, 8, 1), total_difficulties=15, emotional=None)
    scored(improves, "sdq", "parent", dt.date(2026, 9, 1), total_difficulties=None, emotional=7, impact=2)
    scored(improves, "sdq", "parent", dt.date(2026, 10, 1), total_difficulties=12)
    # Deteriorates, closed on the month's last day: 10 -> 20.
    worsens = episode(team_a, c1, OCTOBER.last, gh03)
    scored(worsens, "sdq", "parent", dt.date(2026, 3, 1), total_difficulties=10)
    scored(worsens, "sdq", "parent", dt.date(2026, 9, 1), total_difficulties=20)
    # One measure only, so no pair; a second informant's single score does not pair with the parent's.
    single = episode(team_a, c1, dt.date(2026, 10, 20), gh04)
    scored(single, "sdq", "parent", dt.date(2026, 3, 1), total_difficulties=22)
    scored(single, "sdq", "self", dt.date(2026, 9, 1), total_difficulties=12)
    # Closed the month after: not counted in October.
    november = episode(team_a, c1, dt.date(2026, 11, 1), gh03)
    scored(november, "sdq", "parent", dt.date(2026, 3, 1), total_difficulties=30)
    scored(november, "sdq", "parent", dt.date(2026, 9, 1), total_difficulties=5)
    # Another provider's team, commissioner c1: improves 22 -> 14 and recovers.
    other_provider = episode(elsewhere, c1, dt.date(2026, 10, 5), gh03)
    scored(other_provider, "sdq", "parent", dt.date(2026, 3, 1), total_difficulties=22)
    scored(other_provider, "sdq", "parent", dt.date(2026, 9, 1), total_difficulties=14)
    # Commissioner c2, never allocated: HoNOSCA 30 -> 20 improves; no cut-off, so recovered is missing.
    ungrouped = episode(team_a, c2, dt.date(2026, 10, 9))
    scored(ungrouped, "honosca", "clinician", dt.date(2026, 3, 1), section_a_total=30)
    scored(ungrouped, "honosca", "clinician", dt.date(2026, 9, 1), section_a_total=20)
    # A referral closed without being accepted is no episode of care.
    not_accepted = episode(team_a, c1, dt.date(2026, 10, 12), accepted=None)
    scored(not_accepted, "sdq", "parent", dt.date(2026, 3, 1), total_difficulties=22)
    scored(not_accepted, "sdq", "parent", dt.date(2026, 9, 1), total_difficulties=2)
    return {"provider": service["provider"], "c1": c1, "c2": c2, "rules_version": gh03.rules_version}


def report(episodes, scope_kind: str, scope_code: str, month: Month = OCTOBER) -> pd.DataFrame:
    return outcome_rows(month, scope_kind, scope_code, episodes["rules_version"])


def row(rows: pd.DataFrame, grouping: str, measure=None, informant=None, scale=None) -> dict:
    chosen = rows[rows["grouping"] == grouping]
    if measure is None:
        chosen = chosen[chosen["measure"].isna()]
    else:
        chosen = chosen[
            (chosen["measure"] == measure) & (chosen["informant"] == informant) & (chosen["scale"] == scale)
        ]
    assert len(chosen) == 1, chosen
    return {key: (None if pd.isna(value) else value) for key, value in chosen.iloc[0].items()}


def counts(values: dict) -> dict:
    return {column: values[column] for column in COUNT_COLUMNS}


@pytest.mark.django_db
def test_a_provider_report_counts_its_teams_episodes_closed_in_the_month_by_grouping(episodes):
    rows = report(episodes, "provider", episodes["provider"].code)

    assert list(rows.columns) == list(COLUMNS)
    keys = rows[["grouping", "measure", "scale"]].fillna("")
    assert list(keys.itertuples(index=False, name=None)) == [
        ("GH03", "sdq", "emotional"),
        ("GH03", "sdq", "total_difficulties"),
        ("GH03", "sdq", "impact"),
        ("GH04", "", ""),
        (UNGROUPED, "honosca", "section_a_total"),
    ]
    assert set(rows["period"]) == {"2026-10"} and set(rows["scope_kind"]) == {"provider"}
    assert counts(row(rows, "GH03", "sdq", "parent", "total_difficulties")) == {
        "closed_episodes": 2,  # the improving one and the one closed on 31 October
        "episodes_with_pair": 2,
        "pairs": 2,
        "classified": 2,
        "improved": 1,
        "no_change": 0,
        "deteriorated": 1,
        "recovered": 1,
    }
    assert counts(row(rows, "GH03", "sdq", "parent", "emotional"))["no_change"] == 1


@pytest.mark.django_db
def test_shares_are_percentages_of_closed_episodes_and_of_classified_pairs(episodes):
    rows = report(episodes, "provider", episodes["provider"].code)
    total = row(rows, "GH03", "sdq", "parent", "total_difficulties")
    assert {share: total[share] for share in SHARES} == {
        "paired_share": 100.0,
        "improved_share": 50.0,
        "no_change_share": 0.0,
        "deteriorated_share": 50.0,
        "recovered_share": 50.0,
    }


@pytest.mark.django_db
def test_a_grouping_whose_episodes_have_no_pair_still_shows_its_closed_episodes(episodes):
    rows = report(episodes, "provider", episodes["provider"].code)
    single = row(rows, "GH04")
    assert (single["closed_episodes"], single["episodes_with_pair"], single["paired_share"]) == (1, 0, 0.0)
    assert (single["pairs"], single["classified"], single["improved"], single["improved_share"]) == (
        0,
        0,
        None,
        None,
    )


@pytest.mark.django_db
def test_a_scale_without_a_threshold_is_paired_but_not_classified(episodes):
    impact = row(report(episodes, "provider", episodes["provider"].code), "GH03", "sdq", "parent", "impact")
    assert (impact["pairs"], impact["classified"]) == (1, 0)
    assert [impact[c] for c in ("improved", "no_change", "deteriorated", "recovered")] == [None] * 4
    assert impact["improved_share"] is None


@pytest.mark.django_db
def test_recovered_is_missing_where_the_threshold_has_no_cut_off(episodes):
    honosca = row(
        report(episodes, "provider", episodes["provider"].code),
        UNGROUPED,
        "honosca",
        "clinician",
        "section_a_total",
    )
    assert (honosca["closed_episodes"], honosca["improved"], honosca["improved_share"]) == (1, 1, 100.0)
    assert honosca["recovered"] is None and honosca["recovered_share"] is None


@pytest.mark.django_db
def test_a_commissioner_report_counts_its_episodes_whichever_provider_holds_them(episodes):
    rows = report(episodes, "commissioner", episodes["c1"].code)
    assert sorted(set(rows["grouping"])) == ["GH03", "GH04"]  # the ungrouped episode is c2's
    total = row(rows, "GH03", "sdq", "parent", "total_difficulties")
    assert counts(total) == {
        "closed_episodes": 3,
        "episodes_with_pair": 3,
        "pairs": 3,
        "classified": 3,
        "improved": 2,
        "no_change": 0,
        "deteriorated": 1,
        "recovered": 2,
    }
    assert math.isclose(total["improved_share"], 200 / 3)
    assert list(report(episodes, "commissioner", episodes["c2"].code)["grouping"]) == [UNGROUPED]


@pytest.mark.django_db
def test_an_episode_closed_the_month_after_counts_in_that_month(episodes):
    rows = report(episodes, "provider", episodes["provider"].code, Month.of("2026-11"))
    assert counts(row(rows, "GH03", "sdq", "parent", "total_difficulties")) == {
        "closed_episodes": 1,
        "episodes_with_pair": 1,
        "pairs": 1,
        "classified": 1,
        "improved": 1,
        "no_change": 0,
        "deteriorated": 0,
        "recovered": 1,
    }


@pytest.mark.django_db
def test_a_month_without_closed_episodes_gives_an_empty_report_with_the_columns(episodes):
    rows = report(episodes, "provider", episodes["provider"].code, Month.of("2026-09"))
    assert rows.empty and list(rows.columns) == list(COLUMNS)


@pytest.mark.django_db
def test_an_unknown_scope_is_refused(episodes):
    with pytest.raises(ValueError, match="unknown scope"):
        report(episodes, "team", "T1")
    with pytest.raises(ValueError, match="no provider"):
        report(episodes, "provider", "NOPE")


@pytest.mark.django_db
def test_the_pairs_counted_are_those_the_case_page_shows(episodes):
    scores = pd.DataFrame.from_records(
        list(
            MeasureScore.objects.values_list(
                "response__case_id",
                "response__measure",
                "response__informant",
                "scale",
                "response__completed_on",
                "response_id",
                "value",
            )
        ),
        columns=["case_id", "measure", "informant", "scale", "completed_on", "response_id", "value"],
    )
    page = scores.groupby("case_id")[list(scores.columns[1:])].apply(first_and_latest).reset_index(level=0)
    page = page.rename(columns={"latest": "last"})[
        ["case_id", "measure", "informant", "scale", "first", "last"]
    ]
    reported = measure_pairs(Case.objects.all())
    key = ["case_id", "measure", "informant", "scale"]
    assert reported.sort_values(key).to_numpy().tolist() == page.sort_values(key).to_numpy().tolist()


def test_every_share_is_a_ratio_of_two_counts():
    assert all(part in COUNT_COLUMNS for parts in SHARES.values() for part in parts)


def test_the_portable_pairing_of_sqlite_agrees_with_the_sql_pairing(episodes):
    from reports.outcome_report import _closed_episodes, _pairs_per_episode, measure_pairs

    closed = _closed_episodes(OCTOBER, "commissioner", episodes["c1"].code)
    columns = ["case_id", "measure", "informant", "scale", "first", "last"]
    sql = measure_pairs(closed).sort_values(columns[:4]).reset_index(drop=True)
    portable = _pairs_per_episode(closed).sort_values(columns[:4]).reset_index(drop=True)
    assert not sql.empty
    assert portable.astype(str).values.tolist() == sql.astype(str).values.tolist()
