"""Small-number disclosure control for everything a commissioner sees (SPEC §7).

0 stays 0; 1-7 become `*`; every other count is rounded to the nearest 5 (halves up); a mean, cost per case
or percentage based on 1-7 cases is `*`; totals are computed from raw values and then rounded.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, TypeVar

# pandas (and the pyarrow it loads) is imported where frames are built: every process loads this module, few
# build one (tests/test_startup_imports.py).
if TYPE_CHECKING:
    import pandas as pd


SUPPRESSED = "*"
SMALLEST_SHOWN = 8
ROUNDING_BASE = 5

Value = TypeVar("Value")


@dataclass(frozen=True)
class DisclosureRule:
    """Which columns of a report are counts, and which derived columns rest on which count column."""

    counts: tuple[str, ...] = ()
    derived: Mapping[str, str] = field(default_factory=dict)

    def columns(self) -> set[str]:
        return {*self.counts, *self.derived, *self.derived.values()}


def _is_small(n: float) -> bool:
    return 0 < n < SMALLEST_SHOWN


def _is_missing(value: object) -> bool:
    """None, NaN or pandas' NA: a figure that does not apply, published as empty."""
    import pandas as pd

    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def disclose_count(n: float) -> int | str:
    """A count as published: 0, `*` for 1-7, otherwise the nearest multiple of 5 (halves up)."""
    if n < 0 or math.isnan(n):
        raise ValueError(f"a count cannot be {n}")
    if n == 0:
        return 0
    if _is_small(n):
        return SUPPRESSED
    fives = (Decimal(str(n)) / ROUNDING_BASE).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(fives) * ROUNDING_BASE


def disclose_derived(value: Value, base_count: float) -> Value | str:
    """A mean, cost per case or percentage as published: `*` when it rests on 1-7 cases, else unchanged."""
    return SUPPRESSED if _is_small(base_count) else value


def disclosed_total(raw_counts: Sequence[float]) -> int | str:
    """A total as published: summed from the raw counts, then disclosed (never a sum of rounded figures)."""
    return disclose_count(sum(raw_counts))


def disclose_frame(frame: pd.DataFrame, rule: DisclosureRule) -> pd.DataFrame:
    """A copy of `frame` (raw figures) with every count and derived column disclosed; other columns kept."""
    import pandas as pd

    missing = rule.columns() - set(frame.columns)
    if missing:
        raise KeyError(f"columns named in the disclosure rule are not in the frame: {sorted(missing)}")
    published = frame.copy()
    for column, base in rule.derived.items():
        published[column] = pd.Series(
            [
                None if _is_missing(value) else disclose_derived(value, count)
                for value, count in zip(frame[column], frame[base], strict=True)
            ],
            index=frame.index,
            dtype=object,
        )
    for column in rule.counts:
        published[column] = pd.Series(
            [None if _is_missing(n) else disclose_count(n) for n in frame[column]],
            index=frame.index,
            dtype=object,
        )
    return published


def with_total_row(
    frame: pd.DataFrame, rule: DisclosureRule, label_column: str, label: str = "Total"
) -> pd.DataFrame:
    """`frame` (raw) with a last row summing its count columns, to be disclosed with the rest; the derived
    columns of the total row are left empty because they cannot be recomputed from the rows' figures."""
    import pandas as pd

    total: dict[str, object] = {column: "" for column in frame.columns}
    total[label_column] = label
    for column in rule.counts:
        total[column] = int(frame[column].sum())
    for column in rule.derived:
        total[column] = None
    return pd.concat([frame, pd.DataFrame([total], columns=frame.columns)], ignore_index=True)
