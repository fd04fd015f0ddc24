"""Small-number disclosure control for everything a commissioner sees (SPEC §7).

0 stays 0; 1-7 become `*`; every other count is rounded to the nearest 5 (halves up); a mean or cost per case
based on 1-7 cases is `*`; totals are computed from raw values and then rounded.

A share (a percentage of one count in another) could give a suppressed count away: 40% of 10 closed
episodes is 4 with a pair. So a share is `*` when its numerator or its denominator is `*`, and otherwise is
computed again from the published, rounded counts, so that it says nothing the counts beside it do not
(issue 30: no `*` may be solved back from the other figures of its file).

A total rounded from raw counts can give a `*` away too: rows `*`, 15, 15 and a total of 25 leave only
13 + 13 + 1 = 27. So a published total is itself `*` when, with the rows beside it, it would narrow one of
their `*` cells to a single value (`disclose_with_total`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, TypeVar

from reports.totals import Totals

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
    shares: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Each percentage column with its numerator and denominator count columns."""

    def columns(self) -> set[str]:
        share_counts = {column for pair in self.shares.values() for column in pair}
        return {*self.counts, *self.derived, *self.derived.values(), *self.shares, *share_counts}


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


def disclose_share(numerator: object, denominator: object, places: int = 1) -> float | str | None:
    """A percentage as published, from the published counts: `*` when either is `*`, empty when the
    denominator is 0 or either count does not apply, else 100 x numerator / denominator to `places`."""
    if SUPPRESSED in (numerator, denominator):
        return SUPPRESSED
    if _is_missing(numerator) or _is_missing(denominator) or not denominator:
        return None
    share = Decimal(str(numerator)) * 100 / Decimal(str(denominator))
    return float(share.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


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
    for column, (numerator, denominator) in rule.shares.items():
        published[column] = pd.Series(
            [
                None if _is_missing(raw) else disclose_share(top, bottom)
                for raw, top, bottom in zip(
                    frame[column], published[numerator], published[denominator], strict=True
                )
            ],
            index=frame.index,
            dtype=object,
        )
    return published


def _could_be(published: object) -> tuple[int, int]:
    """The smallest and largest raw count that a published count may stand for."""
    if published == SUPPRESSED:
        return 1, SMALLEST_SHOWN - 1
    if published == 0 or _is_missing(published):
        return 0, 0
    shown = int(published)  # type: ignore[call-overload]
    return max(SMALLEST_SHOWN, shown - ROUNDING_BASE // 2), shown + ROUNDING_BASE // 2


def gives_a_cell_away(cells: Sequence[object], total: object) -> bool:
    """Whether a column's published `total` would narrow one of its `*` cells to a single raw value, given
    what the other published cells may stand for."""
    suppressed = sum(1 for cell in cells if cell == SUPPRESSED)
    if not suppressed or total == SUPPRESSED:
        return False
    others = [_could_be(cell) for cell in cells if cell != SUPPRESSED]
    total_low, total_high = _could_be(total)
    largest = SMALLEST_SHOWN - 1
    hidden_low = max(suppressed, total_low - sum(high for _, high in others))
    hidden_high = min(largest * suppressed, total_high - sum(low for low, _ in others))
    one_low = max(1, hidden_low - largest * (suppressed - 1))
    one_high = min(largest, hidden_high - (suppressed - 1))
    return one_low >= one_high


def disclose_with_total(
    frame: pd.DataFrame,
    rule: DisclosureRule,
    label_column: str,
    label: str = "Total",
    totals: Totals | None = None,
) -> pd.DataFrame:
    """`frame` (raw) disclosed with a last row of totals (`totals`, by default the count columns summed)
    computed from the raw figures and then disclosed; a total that would give one of its column's `*`
    cells away is `*` as well."""
    totals = totals or Totals(summed=rule.counts)
    published = disclose_frame(with_total_row(frame, rule, label_column, label, totals), rule)
    last = published.index[-1]
    for column in rule.counts:
        cells = published.iloc[:-1]
        key = totals.key_of(column)
        if key:
            # A figure repeated on each row of its key adds to the total once: so do its cells.
            cells = cells[~frame.duplicated(list(key)).to_numpy()]
        if gives_a_cell_away(cells[column].tolist(), published.at[last, column]):
            published.at[last, column] = SUPPRESSED
    return published


def with_total_row(
    frame: pd.DataFrame,
    rule: DisclosureRule,
    label_column: str,
    label: str = "Total",
    totals: Totals | None = None,
) -> pd.DataFrame:
    """`frame` (raw) with a last row of its totals (`totals`, by default the count columns summed), to be
    disclosed with the rest; a column that is not totalled is empty in that row."""
    import pandas as pd

    total: dict[str, object] = dict((totals or Totals(summed=rule.counts)).row(frame))
    total[label_column] = label
    return pd.concat([frame, pd.DataFrame([total], columns=frame.columns)], ignore_index=True)
