"""A report's trend: the one figure followed month by month in its chart (totals from raw rows); each report
kind names its own in reports.kinds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

# pandas (and the pyarrow it loads) is imported where frames are built: every process loads this module, few
# build one (tests/test_startup_imports.py).
if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Trend:
    label: str
    total: Callable[[pd.DataFrame], float]
    is_count: bool  # counts are disclosure-controlled for a commissioner; money is not a count


def total_of(column: str) -> Callable[[pd.DataFrame], float]:
    def total(frame: pd.DataFrame) -> float:
        import pandas as pd

        return float(pd.to_numeric(frame[column]).sum()) if len(frame) else 0.0

    return total


def once_per_grouping(column: str) -> Callable[[pd.DataFrame], float]:
    # The outcome report repeats a grouping's episode counts on each of its measure rows.
    return lambda frame: float(frame.drop_duplicates("grouping")[column].sum()) if len(frame) else 0.0
