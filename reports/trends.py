"""The one figure of each report followed month by month in its trend chart (totals from raw rows)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reports.models import Report

# pandas (and the pyarrow it loads) is imported where frames are built: every process loads this module, few
# build one (tests/test_startup_imports.py).
if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Trend:
    label: str
    total: Callable[[pd.DataFrame], float]
    is_count: bool  # counts are disclosure-controlled for a commissioner; money is not a count


def _sum(column: str) -> Callable[[pd.DataFrame], float]:
    def total(frame: pd.DataFrame) -> float:
        import pandas as pd

        return float(pd.to_numeric(frame[column]).sum()) if len(frame) else 0.0

    return total


def _once_per_grouping(column: str) -> Callable[[pd.DataFrame], float]:
    # The outcome report repeats a grouping's episode counts on each of its measure rows.
    return lambda frame: float(frame.drop_duplicates("grouping")[column].sum()) if len(frame) else 0.0


TRENDS: dict[str, Trend] = {
    Report.CASEMIX: Trend("Open at month end", _sum("open_at_month_end"), is_count=True),
    Report.COST: Trend("Cost (£)", _sum("cost"), is_count=False),
    Report.CURRENCY: Trend("Episodes closed in the 12 months", _sum("episodes"), is_count=True),
    Report.OUTCOMES: Trend("Closed episodes", _once_per_grouping("closed_episodes"), is_count=True),
}
