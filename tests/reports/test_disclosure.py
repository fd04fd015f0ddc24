"""Small-number disclosure control (SPEC §7): the rule, hand-worked and as properties."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.disclosure import (
    SUPPRESSED,
    DisclosureRule,
    disclose_count,
    disclose_derived,
    disclose_frame,
    disclosed_total,
    with_total_row,
)

RULE = DisclosureRule(counts=("cases", "contacts"), derived={"mean_contacts": "cases"})


@pytest.mark.parametrize(
    ("raw", "published"),
    [
        (0, 0),
        (1, "*"),
        (7, "*"),
        (8, 10),
        (10, 10),
        (12, 10),
        (12.5, 15),  # a half rounds up
        (13, 15),
        (17.5, 20),
        (22, 20),
        (23, 25),
        (97, 95),
        (98, 100),
        (1_002, 1_000),
        (1_003, 1_005),
    ],
)
def test_a_count_is_zero_starred_or_rounded_to_the_nearest_five(raw, published):
    assert disclose_count(raw) == published


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        disclose_count(-1)


@pytest.mark.parametrize(
    ("value", "base", "published"),
    [(4.5, 0, 4.5), (4.5, 1, "*"), (4.5, 7, "*"), (4.5, 8, 4.5), (312.25, 100, 312.25), (None, 0, None)],
)
def test_a_mean_or_percentage_on_one_to_seven_cases_is_starred(value, base, published):
    assert disclose_derived(value, base) == published


def test_a_frame_is_disclosed_column_by_column_from_its_raw_figures():
    raw = pd.DataFrame(
        {
            "grouping": ["GA01", "GH03", "GH04"],
            "cases": [3, 12, 0],
            "contacts": [9, 40, 2],
            "mean_contacts": [3.0, 3.33, None],
        }
    )
    published = disclose_frame(raw, RULE)
    assert published.to_dict("records") == [
        {"grouping": "GA01", "cases": "*", "contacts": 10, "mean_contacts": "*"},
        {"grouping": "GH03", "cases": 10, "contacts": 40, "mean_contacts": 3.33},
        {"grouping": "GH04", "cases": 0, "contacts": "*", "mean_contacts": None},
    ]
    assert raw["cases"].tolist() == [3, 12, 0]  # the raw frame is left as it was


def test_a_total_is_summed_from_raw_counts_then_rounded():
    raw = pd.DataFrame({"grouping": ["GA01", "GH03", "GH04"], "cases": [3, 4, 6], "contacts": [8, 8, 8]})
    rule = DisclosureRule(counts=("cases", "contacts"))
    published = disclose_frame(with_total_row(raw, rule, "grouping"), rule)
    assert published.iloc[-1].tolist() == ["Total", 15, 25]  # not "*" + "*" + "*", nor 10 + 10 + 10


def test_a_rule_naming_a_missing_column_is_refused():
    with pytest.raises(KeyError, match="mean_contacts"):
        disclose_frame(pd.DataFrame({"cases": [1], "contacts": [1]}), RULE)


counts = st.integers(min_value=0, max_value=100_000)


@given(counts)
def test_no_published_count_is_one_to_seven_and_rounded_ones_are_multiples_of_five(n):
    published = disclose_count(n)
    if published == SUPPRESSED:
        assert 1 <= n <= 7
    else:
        assert isinstance(published, int)
        assert published == 0 or published >= 10
        assert published % 5 == 0
        assert abs(published - n) <= 2.5
        assert (published == 0) == (n == 0)


@given(st.lists(counts, min_size=1, max_size=30))
def test_a_published_total_is_the_rounded_sum_of_raw_counts(values):
    rule = DisclosureRule(counts=("cases",))
    frame = pd.DataFrame({"label": [f"row {n}" for n in range(len(values))], "cases": values})
    published = disclose_frame(with_total_row(frame, rule, "label"), rule)
    assert published["cases"].iloc[-1] == disclosed_total(values) == disclose_count(sum(values))
    assert all(cell == SUPPRESSED or cell == 0 or cell % 5 == 0 for cell in published["cases"])


@given(st.lists(st.tuples(counts, st.floats(0, 1_000, allow_nan=False)), min_size=1, max_size=30))
def test_no_derived_figure_is_shown_for_one_to_seven_cases(pairs):
    frame = pd.DataFrame(
        {"cases": [c for c, _ in pairs], "contacts": 0, "mean_contacts": [m for _, m in pairs]}
    )
    published = disclose_frame(frame, RULE)
    for (cases, mean), shown in zip(pairs, published["mean_contacts"], strict=True):
        assert shown == (SUPPRESSED if 1 <= cases <= 7 else mean)


def test_a_count_that_does_not_apply_stays_empty_when_disclosed():
    frame = pd.DataFrame(
        {"recovered": [None, 12, 3], "classified": [9, 12, 3], "recovered_share": [None, 100.0, 50.0]}
    )
    published = disclose_frame(
        frame, DisclosureRule(counts=("recovered", "classified"), derived={"recovered_share": "classified"})
    )
    assert published["recovered"].tolist() == [None, 10, "*"]
    assert published["recovered_share"].tolist() == [None, 100.0, "*"]
