import datetime as dt

import pandas as pd
import pytest

from groupings.agreement import agreement_by, cohen_kappa
from groupings.reviews import add_months, is_overdue, review_due


def pairs(rows):
    return pd.DataFrame(rows, columns=["team", "suggested", "allocated", "n"])


def test_kappa_of_a_hand_worked_two_by_two_table():
    # observed agreement 35/50 = 0.7; chance = 0.5 x 0.6 + 0.5 x 0.4 = 0.5; kappa = (0.7 - 0.5) / 0.5 = 0.4
    table = pairs(
        [
            ("T", "GH03", "GH03", 20),
            ("T", "GH03", "GH09", 5),
            ("T", "GH09", "GH03", 10),
            ("T", "GH09", "GH09", 15),
        ]
    )
    result = cohen_kappa(table)
    assert (result.n, result.agreed, result.percent) == (50, 35, 70.0)
    assert result.kappa == pytest.approx(0.4)


def test_perfect_agreement_over_several_groupings_has_kappa_one():
    result = cohen_kappa(pairs([("T", "GA01", "GA01", 3), ("T", "GH01", "GH01", 4)]))
    assert result.percent == 100.0 and result.kappa == pytest.approx(1.0)


def test_a_single_grouping_everywhere_has_no_kappa():
    assert cohen_kappa(pairs([("T", "GA01", "GA01", 3)])).kappa is None


def test_agreement_is_given_per_team_and_over_all_teams():
    table = pairs([("North", "GH03", "GH03", 8), ("North", "GH03", "GH09", 2), ("South", "GH09", "GH09", 5)])
    result = agreement_by(table, "team")
    assert set(result) == {"North", "South", "All"}
    assert (result["North"].percent, result["South"].percent) == (80.0, 100.0)
    assert result["All"].n == 15 and result["All"].agreed == 13


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (dt.date(2025, 1, 15), 6, dt.date(2025, 7, 15)),
        (dt.date(2025, 8, 31), 6, dt.date(2026, 2, 28)),
        (dt.date(2023, 11, 30), 3, dt.date(2024, 2, 29)),
        (dt.date(2025, 10, 1), 3, dt.date(2026, 1, 1)),
    ],
)
def test_review_due_is_start_plus_the_review_interval_in_months(start, months, due):
    assert review_due(start, months) == due == add_months(start, months)


def test_a_review_is_overdue_only_after_its_due_date():
    assert not is_overdue(dt.date(2025, 3, 1), today=dt.date(2025, 3, 1))
    assert is_overdue(dt.date(2025, 3, 1), today=dt.date(2025, 3, 2))
