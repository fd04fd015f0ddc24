"""The statement's money (issue 32): hand-worked statements and the properties the contract relies on."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payments.risk_share import Corridor, Indicator, Line, Previous, risk_shared, settle

# June (3 months so far). G1: annual plan 120 at £100; G2: annual plan 60 at £200.
# Planned months: G1 120 x 3/12 = 30, G2 60 x 3/12 = 15; plan value P = 30 x 100 + 15 x 200 = £6,000.
# Corridor c = 5%: the band is [5,700, 6,300]; s = 50%.
JUNE = 3


def lines(g1: int, g2: int) -> list[Line]:
    return [Line("G1", D(120), g1, D("100.00")), Line("G2", D(60), g2, D("200.00"))]


def test_activity_inside_the_band_is_paid_as_activity() -> None:
    # A = 31 x 100 + 15 x 200 = 6,100, inside [5,700, 6,300]: payable 6,100, no adjustment.
    money = settle(lines(31, 15), months_so_far=JUNE, corridor=Corridor())
    assert money.plan_value == D("6000.00")
    assert money.activity_value == D("6100.00")
    assert money.variance == D("100.00")
    assert money.corridor_adjustment == D("0.00")
    assert money.payable_ytd == D("6100.00")


def test_activity_above_the_band_is_paid_at_the_marginal_rate() -> None:
    # A = 40 x 100 + 20 x 200 = 8,000 > 6,300: payable = 6,300 + 0.5 x (8,000 - 6,300) = 7,150;
    # corridor adjustment = 7,150 - 8,000 = -850.
    money = settle(lines(40, 20), months_so_far=JUNE, corridor=Corridor())
    assert money.payable_ytd == D("7150.00")
    assert money.corridor_adjustment == D("-850.00")
    assert [v.planned_months for v in money.lines] == [D(30), D(15)]


def test_activity_below_the_band_is_paid_at_the_marginal_rate() -> None:
    # A = 20 x 100 + 10 x 200 = 4,000 < 5,700: payable = 5,700 - 0.5 x (5,700 - 4,000) = 4,850; +850.
    money = settle(lines(20, 10), months_so_far=JUNE, corridor=Corridor())
    assert money.payable_ytd == D("4850.00")
    assert money.corridor_adjustment == D("850.00")


def test_cap_and_floor_bound_the_payable_as_shares_of_plan() -> None:
    # Cap 110% of 6,000 = 6,600 < 7,150; floor 90% = 5,400 > 4,850.
    bounded = Corridor(cap=D("1.10"), floor=D("0.90"))
    assert settle(lines(40, 20), months_so_far=JUNE, corridor=bounded).payable_ytd == D("6600.00")
    assert settle(lines(20, 10), months_so_far=JUNE, corridor=bounded).payable_ytd == D("5400.00")


def test_outcome_component_withholds_w_and_pays_back_by_achievement() -> None:
    # Payable before the outcome component 7,150 (above). w = 10%: withheld 715.
    # Paired share 0.60 against 0.80: 0.75; reliably improved 0.50 against 0.40: min(1, 1.25) = 1.
    # Mean achievement 0.875; earned 715 x 0.875 = 625.625; payable 7,150 - 715 + 625.625 = 7,060.625 -> 7,060.63.
    # The month before stood at 6,000.00: this month's payment 1,060.63.
    indicators = [Indicator("paired", D("0.60"), D("0.80")), Indicator("improved", D("0.50"), D("0.40"))]
    money = settle(
        lines(40, 20),
        months_so_far=JUNE,
        corridor=Corridor(),
        outcome_share=D("0.10"),
        indicators=indicators,
        previous=Previous(standing=D("6000.00")),
    )
    assert money.outcome_withheld == D("715.00")
    assert money.outcome_earned == D("625.63")
    assert money.achievement == D("0.875")
    assert money.payable_ytd == D("7060.63")
    assert money.payment_this_month == D("1060.63")


def test_an_indicator_with_nothing_measured_earns_nothing_and_a_zero_target_is_met() -> None:
    # w = 20% of 6,100 = 1,220 withheld; achievements 0 and 1, mean 0.5: earned 610; payable 5,490.
    indicators = [Indicator("paired", None, D("0.5")), Indicator("improved", D(0), D(0))]
    money = settle(
        lines(31, 15), months_so_far=JUNE, corridor=Corridor(), outcome_share=D("0.2"), indicators=indicators
    )
    assert (money.outcome_withheld, money.outcome_earned, money.payable_ytd) == (
        D("1220.00"),
        D("610.00"),
        D("5490.00"),
    )


def test_april_is_paid_its_whole_payable() -> None:
    # April: annual 120 x 1/12 = 10 planned at £100 = 1,000; 10 months of care: 1,000 payable and paid.
    money = settle([Line("G1", D(120), 10, D(100))], months_so_far=1, corridor=Corridor())
    assert money.payment_this_month == money.payable_ytd == D("1000.00")
    with pytest.raises(ValueError, match="April"):
        settle([], months_so_far=1, corridor=Corridor(), previous=Previous(standing=D(1)))


def test_a_restated_month_before_carries_its_difference_into_this_payment() -> None:
    # May stood (agreed) at 6,000.00 and was restated at 6,100.00 (late data): 100.00 carried over.
    # June's payable 6,100.00: payment = 6,100 - 6,000 = 100.00, all of it the carried difference.
    money = settle(
        lines(31, 15),
        months_so_far=JUNE,
        corridor=Corridor(),
        previous=Previous(standing=D("6000.00"), restated=D("6100.00")),
    )
    assert money.carried_over == D("100.00")
    assert money.payment_this_month == D("100.00")


def test_amounts_are_rounded_to_the_penny_only_at_the_end() -> None:
    # Three groupings of annual plan 10 at £100 in April: each plan value 10/12 x 100 = 83.333...
    # Rounded per line that would total 249.99; the exact total is 250.00.
    three = [Line(g, D(10), 0, D(100)) for g in ("A", "B", "C")]
    money = settle(three, months_so_far=1, corridor=Corridor(band=D(0), rate=D(1)))
    assert money.plan_value == D("250.00")


prices = st.decimals(min_value=0, max_value=5000, places=2)
fractions = st.decimals(min_value=0, max_value=1, places=2)
plans = st.decimals(min_value=0, max_value=10**6, places=2)


@settings(max_examples=200, deadline=None)
@given(plan=plans, low=plans, more=plans, band=fractions, rate=fractions, capped=st.booleans())
def test_payable_never_decreases_as_activity_grows(plan, low, more, band, rate, capped) -> None:
    corridor = Corridor(
        band=band, rate=rate, cap=D("1.2") if capped else None, floor=D("0.8") if capped else None
    )
    assert risk_shared(low + more, plan, corridor) >= risk_shared(low, plan, corridor)


@settings(max_examples=200, deadline=None)
@given(activity=plans, plan=plans, band=fractions)
def test_full_marginal_rate_pays_activity_value(activity, plan, band) -> None:
    assert risk_shared(activity, plan, Corridor(band=band, rate=D(1))) == activity


@settings(max_examples=200, deadline=None)
@given(activity=plans, plan=plans, band=fractions)
def test_zero_marginal_rate_pays_activity_clamped_to_the_band(activity, plan, band) -> None:
    lower, upper = plan * (1 - band), plan * (1 + band)
    assert risk_shared(activity, plan, Corridor(band=band, rate=D(0))) == min(max(activity, lower), upper)


@settings(max_examples=100, deadline=None)
@given(
    months=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 200)), min_size=12, max_size=12),
    restated=st.lists(st.integers(-50, 50), min_size=12, max_size=12),
    price=prices,
    share=st.decimals(min_value=0, max_value=D("0.2"), places=2),
    achieved=fractions,
)
def test_a_years_monthly_payments_add_up_to_the_years_payable(
    months, restated, price, share, achieved
) -> None:
    # Each month's payable is year to date; restatements of a month (late data) change its payable after it
    # was agreed, and are carried into the next month's payment.
    indicators = [Indicator("paired", achieved, D("0.7")), Indicator("improved", achieved, D("0.5"))]
    previous, paid, cumulative = Previous(), D(0), [0, 0]
    for n, ((g1, g2), late) in enumerate(zip(months, restated, strict=True), start=1):
        cumulative = [cumulative[0] + g1, cumulative[1] + g2]
        money = settle(
            [Line("G1", D(1200), cumulative[0], price), Line("G2", D(600), cumulative[1], price)],
            months_so_far=n,
            corridor=Corridor(),
            outcome_share=share,
            indicators=indicators,
            previous=previous,
        )
        paid += money.payment_this_month
        # A restatement of this month with late data, agreed beside the original.
        late_money = settle(
            [
                Line("G1", D(1200), max(0, cumulative[0] + late), price),
                Line("G2", D(600), cumulative[1], price),
            ],
            months_so_far=n,
            corridor=Corridor(),
            outcome_share=share,
            indicators=indicators,
            previous=previous,
        )
        previous = Previous(standing=money.payable_ytd, restated=late_money.payable_ytd)
    assert paid == money.payable_ytd


@settings(max_examples=100, deadline=None)
@given(
    g1=st.integers(0, 500),
    more=st.integers(0, 500),
    share=st.decimals(min_value=0, max_value=D("0.2"), places=2),
    achieved=fractions,
    capped=st.booleans(),
)
def test_the_payable_after_the_outcome_component_never_falls_as_months_of_care_grow(
    g1, more, share, achieved, capped
):
    corridor = Corridor(cap=D("1.1") if capped else None, floor=D("0.9") if capped else None)
    indicators = [Indicator("paired", achieved, D("0.6")), Indicator("improved", achieved, D("0.4"))]

    def payable(months: int) -> D:
        return settle(
            [Line("G1", D(120), months, D("1000.00"))],
            months_so_far=6,
            corridor=corridor,
            outcome_share=share,
            indicators=indicators,
        ).payable_ytd

    assert payable(g1 + more) >= payable(g1)
