"""Each report's Total row, hand-worked: every episode counted once, figures that do not add up left empty."""

import pandas as pd
import pytest

from reports.disclosure import disclose_with_total, with_total_row
from reports.kinds import KINDS, kind_of


def frame_of(report: str, rows: list[dict]) -> pd.DataFrame:
    """Rows of `report` with every column not given empty."""
    columns = kind_of(report).columns
    return pd.DataFrame([{column: row.get(column) for column in columns} for row in rows], columns=columns)


def total_row(report: str, raw: pd.DataFrame) -> dict:
    kind = kind_of(report)
    published = with_total_row(raw, kind.disclosure, kind.columns[0], totals=kind.totals)
    return {column: value for column, value in published.iloc[-1].items() if value is not None}


def test_every_report_names_how_its_trend_column_adds_up():
    for kind in KINDS.values():
        assert kind.trend.column in kind.totals.columns()
        assert set(kind.totals.columns()) <= set(kind.columns)


def test_the_casemix_total_sums_each_figure_over_its_rows():
    raw = frame_of(
        "casemix",
        [
            {"grouping": "GA01", "open_at_month_end": 3, "referred_in_month": 1, "closed_in_month": 0},
            {"grouping": "GH03", "open_at_month_end": 9, "referred_in_month": 2, "closed_in_month": 4},
            {"grouping": "U", "open_at_month_end": 0, "referred_in_month": 5, "closed_in_month": 1},
        ],
    )
    assert total_row("casemix", raw) == {
        "period": "Total",
        "open_at_month_end": 12,
        "referred_in_month": 8,
        "closed_in_month": 5,
    }


def test_the_cost_total_sums_counts_hours_and_cost_but_not_per_episode_figures():
    team_rows = [
        # team, grouping, open, attended, not attended, cancelled, hours, cost, per open episode, price, variance
        ("T1", "GA01", 10, 20, 2, 1, 15.0, 1500.0, 150.0, 120.0, 30.0),
        ("T1", "GH03", 4, 6, 0, 0, 4.5, 450.0, 112.5, 100.0, 12.5),
        ("T2", "GA01", 5, 9, 1, 2, 6.0, 600.0, 120.0, 120.0, 0.0),
    ]
    names = ("team_code", "grouping", *kind_of("cost").columns[6:])
    raw = frame_of("cost", [dict(zip(names, row, strict=True)) for row in team_rows])
    assert total_row("cost", raw) == {
        "period": "Total",
        "open_at_month_end": 19,
        "contacts_attended": 35,
        "contacts_not_attended": 3,
        "contacts_cancelled": 3,
        "attended_hours": 25.5,
        "cost": 2550.0,
    }


def test_the_currency_total_is_the_closed_episodes_only():
    spread = {"appointments_mean": 4.0, "cost_mean": 800.0, "cost_cv": 0.3, "indicative_price": 700.0}
    raw = frame_of(
        "currency",
        [
            {"grouping": "GA01", "episodes": 12, **spread, "variance": 100.0, "eta_squared": 0.4},
            {"grouping": "GH03", "episodes": 5, **spread, "variance": -50.0, "eta_squared": 0.4},
        ],
    )
    assert total_row("currency", raw) == {"grouping": "Total", "episodes": 17}


def outcome_rows() -> pd.DataFrame:
    """GA01: 10 closed, 6 with a pair, two paired scales; GH03: 12 closed, 9 with a pair, one scale;
    not grouped: 7 closed, none paired (one row with no measure)."""
    ga01 = {"grouping": "GA01", "closed_episodes": 10, "episodes_with_pair": 6}
    gh03 = {"grouping": "GH03", "closed_episodes": 12, "episodes_with_pair": 9}
    rows = [
        {**ga01, "measure": "sdq", "pairs": 5, "classified": 5, "improved": 3, "no_change": 2, "deteriorated": 0,
         "recovered": 1, "paired_share": 60.0, "improved_share": 60.0},
        {**ga01, "measure": "rcads", "pairs": 4, "classified": 4, "improved": 1, "no_change": 2,
         "deteriorated": 1, "recovered": None, "paired_share": 60.0, "improved_share": 25.0},
        {**gh03, "measure": "sdq", "pairs": 9, "classified": 8, "improved": 4, "no_change": 3, "deteriorated": 1,
         "recovered": 2, "paired_share": 75.0, "improved_share": 50.0},
        {"grouping": "U", "closed_episodes": 7, "episodes_with_pair": 0, "pairs": 0, "classified": 0,
         "improved": 0, "no_change": 0, "deteriorated": 0, "recovered": 0, "paired_share": 0.0},
    ]  # fmt: skip
    return frame_of("outcomes", rows)


def test_the_outcome_total_counts_each_closed_episode_once_not_once_per_measure_row():
    assert total_row("outcomes", outcome_rows()) == {
        "period": "Total",
        "closed_episodes": 29,  # 10 + 12 + 7, not 10 + 10 + 12 + 7 = 39
        "episodes_with_pair": 15,  # 6 + 9 + 0
        "pairs": 18,
        "classified": 17,
        "improved": 8,
        "no_change": 7,
        "deteriorated": 2,
        "recovered": 3,
    }


def test_a_commissioners_outcome_total_is_disclosed_from_the_raw_once_per_grouping_total():
    kind = kind_of("outcomes")
    published = disclose_with_total(outcome_rows(), kind.disclosure, "period", totals=kind.totals)
    total = published.iloc[-1]
    # 29 -> 30, 15 -> 15, 18 -> 20, 17 -> 15, 8 -> 10; 7, 2 and 3 are small.
    assert total["closed_episodes"] == 30
    assert total["episodes_with_pair"] == 15
    assert (total["pairs"], total["classified"], total["improved"]) == (20, 15, 10)
    assert (total["no_change"], total["deteriorated"], total["recovered"]) == ("*", "*", "*")
    assert total["paired_share"] is None


@pytest.mark.parametrize("report", sorted(KINDS))
def test_an_empty_report_totals_to_zero(report):
    kind = kind_of(report)
    assert kind.totals.total(frame_of(report, []), kind.trend.column) == 0


def test_a_commissioners_once_per_grouping_total_that_gives_a_grouping_away_is_suppressed():
    # GA01 has 1 closed episode (on two measure rows), GH03 and GH04 8 each: published *, 10, 10. A total of
    # 17 -> 15 would leave 15 + 2 - 8 - 8 = 1 for GA01, so it is * too; its two repeated rows count once.
    rows = [
        {"grouping": "GA01", "closed_episodes": 1, "episodes_with_pair": 1, "measure": "sdq", "pairs": 1},
        {"grouping": "GA01", "closed_episodes": 1, "episodes_with_pair": 1, "measure": "rcads", "pairs": 1},
        {"grouping": "GH03", "closed_episodes": 8, "episodes_with_pair": 0, "pairs": 0},
        {"grouping": "GH04", "closed_episodes": 8, "episodes_with_pair": 0, "pairs": 0},
    ]
    kind = kind_of("outcomes")
    published = disclose_with_total(frame_of("outcomes", rows), kind.disclosure, "period", totals=kind.totals)
    assert published["closed_episodes"].tolist() == ["*", "*", 10, 10, "*"]
