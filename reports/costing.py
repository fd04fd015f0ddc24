"""Costing and currency quality (SPEC §5, PROPOSED model): pure functions over plain values and frames.

- A contact costs its duration in hours x the hourly cost of its profession in force on its date (the unit
  cost with the latest `valid_from` on or before that date). Did-not-attend and cancelled contacts cost 0.
- The indicative episode price of a grouping = its expected appointments x the reference contact cost;
  variance = actual - indicative.
- Currency quality, per grouping: n, mean, median, interquartile range and coefficient of variation of a
  per-episode figure. Quantiles are numpy's default (method "linear": Q1 and Q3 interpolated between order
  statistics at positions 0.25 x (n - 1) and 0.75 x (n - 1)); the coefficient of variation is the sample
  standard deviation (ddof=1) over the mean, undefined (None) for fewer than two episodes or a zero mean.
- Across groupings, eta squared = between-group sum of squares / total sum of squares; undefined (None)
  with no episodes or when every episode has the same value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

import numpy as np

# pandas (and the pyarrow it loads) is imported where frames are built: every process loads this module, few
# build one (tests/test_startup_imports.py).
if TYPE_CHECKING:
    import pandas as pd

PENNY = Decimal("0.01")
MINUTES_PER_HOUR = 60


def in_force_on(day: dt.date, rates: Iterable[tuple[dt.date, Decimal]]) -> Decimal | None:
    """The rate of the (valid_from, rate) pair with the latest valid_from on or before `day`; None if none."""
    applicable = [(valid_from, rate) for valid_from, rate in rates if valid_from <= day]
    return max(applicable)[1] if applicable else None


def contact_cost(duration_minutes: int, hourly_cost: Decimal, *, attended: bool) -> Decimal:
    """Duration in hours x hourly cost for an attended contact; 0 for one not attended or cancelled."""
    if not attended:
        return Decimal(0)
    return Decimal(duration_minutes) * hourly_cost / MINUTES_PER_HOUR


def money(amount: Decimal) -> Decimal:
    """An amount to the penny, halves rounded up (away from zero)."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def indicative_price(expected_appointments: int, reference_contact_cost: Decimal) -> Decimal:
    """The indicative episode price of a grouping: expected appointments x the reference contact cost."""
    return money(expected_appointments * reference_contact_cost)


def variance(actual: Decimal | None, indicative: Decimal | None) -> Decimal | None:
    """Actual - indicative (positive: costlier than the price); None when either is unknown."""
    if actual is None or indicative is None:
        return None
    return actual - indicative


@dataclass(frozen=True)
class Spread:
    """How a per-episode figure is spread within one grouping."""

    n: int
    mean: float | None
    median: float | None
    iqr: float | None
    cv: float | None


def spread(values: Sequence[float] | np.ndarray) -> Spread:
    """n, mean, median, interquartile range (numpy linear quantiles) and coefficient of variation
    (sample sd / mean) of `values`."""
    x = np.asarray(values, dtype=float)
    n = int(x.size)
    if n == 0:
        return Spread(0, None, None, None, None)
    mean = float(x.mean())
    q1, median, q3 = (float(q) for q in np.quantile(x, [0.25, 0.5, 0.75]))
    cv = float(x.std(ddof=1)) / mean if n >= 2 and mean != 0 else None
    return Spread(n, mean, median, q3 - q1, cv)


def eta_squared(values: Sequence[float] | np.ndarray, groups: Sequence[str] | np.ndarray) -> float | None:
    """Share of the variance of `values` explained by `groups`: between-group SS / total SS."""
    import pandas as pd

    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return None
    total = float(((x - x.mean()) ** 2).sum())
    if total == 0:
        return None
    frame = pd.DataFrame({"value": x, "group": np.asarray(groups)})
    by_group = frame.groupby("group")["value"].agg(["size", "mean"])
    between = float((by_group["size"] * (by_group["mean"] - x.mean()) ** 2).sum())
    return between / total


QUALITY_COLUMNS = (
    "grouping",
    "episodes",
    "appointments_mean",
    "appointments_median",
    "appointments_iqr",
    "appointments_cv",
    "cost_mean",
    "cost_median",
    "cost_iqr",
    "cost_cv",
)


def quality_by_grouping(episodes: pd.DataFrame) -> pd.DataFrame:
    """One row per grouping (in code order) of the spread of `appointments` and `cost` over the episodes
    (columns grouping, appointments, cost): QUALITY_COLUMNS, None where a statistic is undefined."""
    import pandas as pd

    rows = []
    for grouping, frame in episodes.groupby("grouping", sort=True):
        appointments, cost = spread(frame["appointments"].to_numpy()), spread(frame["cost"].to_numpy())
        rows.append(
            {
                "grouping": grouping,
                "episodes": appointments.n,
                **{f"appointments_{k}": v for k, v in _statistics(appointments).items()},
                **{f"cost_{k}": v for k, v in _statistics(cost).items()},
            }
        )
    frame = pd.DataFrame(rows, columns=list(QUALITY_COLUMNS))
    statistics = list(QUALITY_COLUMNS[2:])
    frame[statistics] = frame[statistics].astype(object).where(frame[statistics].notna(), None)
    return frame


def _statistics(summary: Spread) -> Mapping[str, float | None]:
    return {"mean": summary.mean, "median": summary.median, "iqr": summary.iqr, "cv": summary.cv}
