"""How the columns of a report add up: the page's Total row and the trend are computed from this alone.

A column is summed over the rows; or summed once per distinct key where it repeats on each row of a key (the
outcome report's `closed_episodes` and `episodes_with_pair` repeat on each measure row of their grouping);
or not totalled at all (means, medians, shares, prices, eta squared), and then its total is empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

# pandas (and the pyarrow it loads) is imported where frames are built: every process loads this module, few
# build one (tests/test_startup_imports.py).
if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Totals:
    """The columns summed over all rows, and those summed once per distinct value of their key columns."""

    summed: tuple[str, ...] = ()
    once_per: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def columns(self) -> tuple[str, ...]:
        return (*self.summed, *self.once_per)

    def total(self, frame: pd.DataFrame, column: str) -> int | float | None:
        """The total of `column` over `frame` (raw figures), or None when the column is not totalled."""
        import pandas as pd

        if column in self.once_per:
            frame = frame.drop_duplicates(list(self.once_per[column]))
        elif column not in self.summed:
            return None
        values = pd.to_numeric(frame[column], errors="raise").dropna()
        summed = values.sum()
        # Counts stay whole numbers, so that disclosure control rounds them as counts.
        if all(float(v).is_integer() for v in values):
            return int(summed)
        return float(summed)

    def row(self, frame: pd.DataFrame) -> dict[str, int | float | None]:
        """Every column of `frame` with its total (None where it is not totalled)."""
        return {str(column): self.total(frame, str(column)) for column in frame.columns}

    def key_of(self, column: str) -> tuple[str, ...]:
        """The columns a figure repeats over (empty for a figure summed over every row)."""
        return tuple(self.once_per.get(column, ()))
