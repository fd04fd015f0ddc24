"""The money of a monthly statement (issue 32): activity and plan value, the risk-share corridor, cap and
floor, the outcome component and this month's payment. Pure functions over Decimals, never floats; amounts
stay exact (a wide Decimal context) and are rounded to the penny only at the end (`settle`).

- Activity value A, year to date: sum over groupings of months of care x price.
- Plan value P, year to date: sum over groupings of annual plan x months so far / 12 x price.
- Risk share: inside [P(1-c), P(1+c)] the provider is paid A; above, P(1+c) + s(A - P(1+c)); below,
  P(1-c) - s(P(1-c) - A). s = 1 pays activity, s = 0 is a block contract with a tolerance band.
- Optional cap and floor, as fractions of plan (1.10 = 110% of P), bound that figure.
- Outcome component: w of it is withheld and paid back in proportion to achievement, the mean over the two
  indicators of min(1, achieved / target) (a target of 0 is met; an indicator with nothing to measure
  achieves 0).
- This month's payment = payable year to date (after the outcome component, to the penny) - the payable
  year to date of the month before as it stands (agreed, or its latest draft; 0 in April). When the month
  before was restated, the restatement's difference is carried into this payment and shown apart.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)
MONTHS_IN_YEAR = 12
# Exact enough that only the final rounding to the penny changes an amount (a plan of 1/12ths included).
EXACT = decimal.Context(prec=50, rounding=ROUND_HALF_UP)


def pennies(amount: Decimal) -> Decimal:
    """An amount to the penny, halves away from zero: the one rounding, at the end."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Line:
    """One grouping of the price list, year to date: its annual plan (months of care), the months of care
    counted from April to the statement's month, and its price per month of care."""

    grouping: str
    annual_plan: Decimal
    actual_months: int
    price: Decimal


@dataclass(frozen=True)
class LineValues:
    """A line's exact year-to-date figures."""

    grouping: str
    planned_months: Decimal
    actual_months: int
    price: Decimal
    plan_value: Decimal
    activity_value: Decimal

    @property
    def variance(self) -> Decimal:
        return EXACT.subtract(self.activity_value, self.plan_value)


def line_values(line: Line, months_so_far: int) -> LineValues:
    """Planned months = annual plan x months so far / 12; plan value = that x price; activity value =
    months of care x price (exact)."""
    _check_months(months_so_far)
    planned = EXACT.divide(EXACT.multiply(line.annual_plan, Decimal(months_so_far)), Decimal(MONTHS_IN_YEAR))
    return LineValues(
        grouping=line.grouping,
        planned_months=planned,
        actual_months=line.actual_months,
        price=line.price,
        plan_value=EXACT.multiply(planned, line.price),
        activity_value=EXACT.multiply(Decimal(line.actual_months), line.price),
    )


@dataclass(frozen=True)
class Corridor:
    """The risk-share terms: band c, marginal rate s, optional cap and floor as fractions of plan."""

    band: Decimal = Decimal("0.05")
    rate: Decimal = Decimal("0.50")
    cap: Decimal | None = None
    floor: Decimal | None = None

    def __post_init__(self) -> None:
        if not ZERO <= self.band <= ONE:
            raise ValueError(f"the corridor's band must be between 0 and 1, not {self.band}")
        if not ZERO <= self.rate <= ONE:
            raise ValueError(f"the marginal rate must be between 0 and 1, not {self.rate}")
        if self.cap is not None and self.floor is not None and self.cap < self.floor:
            raise ValueError(f"the cap ({self.cap}) is below the floor ({self.floor})")


def risk_shared(activity: Decimal, plan: Decimal, corridor: Corridor) -> Decimal:
    """Payable before the outcome component on activity value `activity` against plan value `plan`."""
    upper = EXACT.multiply(plan, ONE + corridor.band)
    lower = EXACT.multiply(plan, ONE - corridor.band)
    if activity > upper:
        payable = EXACT.add(upper, EXACT.multiply(corridor.rate, activity - upper))
    elif activity < lower:
        payable = EXACT.subtract(lower, EXACT.multiply(corridor.rate, lower - activity))
    else:
        payable = activity
    if corridor.cap is not None:
        payable = min(payable, EXACT.multiply(plan, corridor.cap))
    if corridor.floor is not None:
        payable = max(payable, EXACT.multiply(plan, corridor.floor))
    return payable


@dataclass(frozen=True)
class Indicator:
    """One outcome indicator: the share achieved (None when there was nothing to measure) and its target,
    both fractions."""

    name: str
    achieved: Decimal | None
    target: Decimal

    @property
    def achievement(self) -> Decimal:
        """min(1, achieved / target); a target of 0 is met; nothing measured achieves 0."""
        if self.target <= 0:
            return ONE
        if self.achieved is None:
            return ZERO
        return min(ONE, EXACT.divide(self.achieved, self.target))


@dataclass(frozen=True)
class OutcomeComponent:
    withheld: Decimal
    earned: Decimal
    achievement: Decimal


def outcome_component(payable: Decimal, share: Decimal, indicators: Sequence[Indicator]) -> OutcomeComponent:
    """`share` (w) of `payable` withheld, and earned back in proportion to the indicators' mean achievement."""
    if not ZERO <= share <= ONE:
        raise ValueError(f"the outcome-linked share must be between 0 and 1, not {share}")
    if indicators:
        achievement = EXACT.divide(sum((i.achievement for i in indicators), ZERO), Decimal(len(indicators)))
    else:
        achievement = ONE
    withheld = EXACT.multiply(payable, share)
    return OutcomeComponent(withheld, EXACT.multiply(withheld, achievement), achievement)


@dataclass(frozen=True)
class Previous:
    """The month before's payable year to date (after the outcome component, to the penny): as it stands
    (the agreed version, or the latest draft) and, when it was restated since, as restated. April: none."""

    standing: Decimal = ZERO
    restated: Decimal | None = None

    @property
    def carried_over(self) -> Decimal:
        return ZERO if self.restated is None else self.restated - self.standing


@dataclass(frozen=True)
class Settlement:
    """A statement's money, each amount to the penny."""

    lines: tuple[LineValues, ...]
    plan_value: Decimal
    activity_value: Decimal
    variance: Decimal
    corridor_adjustment: Decimal
    payable_before_outcome: Decimal
    outcome_withheld: Decimal
    outcome_earned: Decimal
    achievement: Decimal
    payable_ytd: Decimal
    carried_over: Decimal
    payment_this_month: Decimal


def settle(
    lines: Iterable[Line],
    *,
    months_so_far: int,
    corridor: Corridor,
    outcome_share: Decimal = ZERO,
    indicators: Sequence[Indicator] = (),
    previous: Previous | None = None,
) -> Settlement:
    """The statement's money from its lines (year to date, `months_so_far` months since April inclusive)."""
    values = tuple(line_values(line, months_so_far) for line in lines)
    plan = sum((v.plan_value for v in values), ZERO)
    activity = sum((v.activity_value for v in values), ZERO)
    before_outcome = risk_shared(activity, plan, corridor)
    outcome = outcome_component(before_outcome, outcome_share, indicators)
    payable = pennies(before_outcome - outcome.withheld + outcome.earned)
    previous = previous or Previous()
    if months_so_far == 1 and previous != Previous():
        raise ValueError("April has no month before: its previous payable is 0")
    return Settlement(
        lines=values,
        plan_value=pennies(plan),
        activity_value=pennies(activity),
        variance=pennies(activity - plan),
        corridor_adjustment=pennies(before_outcome - activity),
        payable_before_outcome=pennies(before_outcome),
        outcome_withheld=pennies(outcome.withheld),
        outcome_earned=pennies(outcome.earned),
        achievement=outcome.achievement,
        payable_ytd=payable,
        carried_over=previous.carried_over,
        payment_this_month=payable - previous.standing,
    )


def _check_months(months_so_far: int) -> None:
    if not 1 <= months_so_far <= MONTHS_IN_YEAR:
        raise ValueError(f"a financial year has months 1 (April) to 12 (March), not {months_so_far}")
