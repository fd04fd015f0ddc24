"""The pure costing rules and currency-quality statistics, on numbers worked by hand (SPEC §5)."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.costing import (
    QUALITY_COLUMNS,
    Spread,
    contact_cost,
    eta_squared,
    in_force_on,
    indicative_price,
    money,
    quality_by_grouping,
    spread,
    variance,
)

RATES = [(dt.date(2000, 1, 1), Decimal("37.00")), (dt.date(2026, 10, 15), Decimal("48.00"))]


def test_the_rate_in_force_is_the_one_with_the_latest_start_on_or_before_the_day():
    assert in_force_on(dt.date(2026, 10, 14), RATES) == Decimal("37.00")
    assert in_force_on(dt.date(2026, 10, 15), RATES) == Decimal("48.00")  # from its first day
    assert in_force_on(dt.date(2030, 1, 1), reversed(RATES)) == Decimal("48.00")
    assert in_force_on(dt.date(1999, 12, 31), RATES) is None


def test_an_attended_contact_costs_its_hours_at_the_hourly_cost():
    assert contact_cost(45, Decimal("37.00"), attended=True) == Decimal("27.75")
    assert money(contact_cost(50, Decimal("37.00"), attended=True)) == Decimal("30.83")  # 30.8333...


def test_a_contact_not_attended_or_cancelled_costs_nothing():
    assert contact_cost(60, Decimal("37.00"), attended=False) == 0


def test_money_rounds_halves_up_to_the_penny():
    assert money(Decimal("10.005")) == Decimal("10.01")
    assert money(Decimal("10.0049")) == Decimal("10.00")


def test_the_indicative_price_is_expected_appointments_at_the_reference_contact_cost():
    assert indicative_price(6, Decimal("128.00")) == Decimal("768.00")
    assert variance(Decimal("700.50"), Decimal("768.00")) == Decimal("-67.50")
    assert variance(None, Decimal("768.00")) is None


def test_the_spread_of_one_to_four_worked_by_hand():
    # mean 2.5; linear quantiles: Q1 at position 0.75 -> 1.75, Q3 at 2.25 -> 3.25; sample variance 5/3.
    result = spread([4, 1, 3, 2])
    assert (result.n, result.mean, result.median, result.iqr) == (4, 2.5, 2.5, 1.5)
    assert result.cv == pytest.approx((5 / 3) ** 0.5 / 2.5)  # 0.5164


def test_a_single_episode_has_no_coefficient_of_variation_and_none_has_no_statistics():
    assert spread([7.0]) == Spread(1, 7.0, 7.0, 0.0, None)
    assert spread([]) == Spread(0, None, None, None, None)
    assert spread([0, 0]).cv is None  # zero mean


def test_eta_squared_worked_by_hand():
    # A = 1, 2 and B = 4, 5: grand mean 3; total SS 4 + 1 + 1 + 4 = 10; between 2 x 1.5² + 2 x 1.5² = 9.
    assert eta_squared([1, 2, 4, 5], ["A", "A", "B", "B"]) == pytest.approx(0.9)


def test_eta_squared_is_undefined_without_episodes_or_without_any_variation():
    assert eta_squared([], []) is None
    assert eta_squared([3, 3, 3], ["A", "B", "B"]) is None


@given(st.lists(st.tuples(st.integers(0, 30), st.sampled_from("ABC")), min_size=2, max_size=40))
def test_eta_squared_lies_between_zero_and_one(episodes):
    values, groups = zip(*episodes, strict=True)
    result = eta_squared(values, groups)
    if np.ptp(values) == 0:
        assert result is None
    else:
        assert result is not None and -1e-12 <= result <= 1 + 1e-12


def test_quality_by_grouping_summarises_each_grouping_in_code_order():
    episodes = pd.DataFrame(
        {
            "grouping": ["GH04", "GA01", "GH04", "GA01", "GA01"],
            "appointments": [6, 1, 10, 2, 3],
            "cost": [222.0, 37.0, 370.0, 74.0, 111.0],
        }
    )
    frame = quality_by_grouping(episodes)
    assert list(frame.columns) == list(QUALITY_COLUMNS)
    ga01, gh04 = frame.to_dict("records")
    assert (ga01["grouping"], ga01["episodes"], ga01["appointments_mean"]) == ("GA01", 3, 2.0)
    assert (ga01["cost_median"], ga01["cost_iqr"], ga01["cost_cv"]) == (74.0, 37.0, pytest.approx(0.5))
    assert (gh04["episodes"], gh04["appointments_median"], gh04["appointments_iqr"]) == (2, 8.0, 2.0)
    # sample sd of 6 and 10 is 2√2; mean 8.
    assert gh04["appointments_cv"] == pytest.approx(2 * 2**0.5 / 8)


def test_an_undefined_statistic_is_none_in_the_frame():
    one = quality_by_grouping(pd.DataFrame({"grouping": ["GA01"], "appointments": [2], "cost": [74.0]}))
    assert one.iloc[0]["cost_cv"] is None and one.iloc[0]["cost_mean"] == 74.0


def test_quality_of_no_episodes_is_an_empty_frame_with_the_columns():
    empty = pd.DataFrame({"grouping": [], "appointments": [], "cost": []})
    assert list(quality_by_grouping(empty).columns) == list(QUALITY_COLUMNS)
