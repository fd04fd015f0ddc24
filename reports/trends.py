"""A report's trend: the one figure followed month by month in its chart (totals from raw rows); each report
kind names its own in reports.kinds."""

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Trend:
    label: str
    total: Callable[[pd.DataFrame], float]
    is_count: bool  # counts are disclosure-controlled for a commissioner; money is not a count


def total_of(column: str) -> Callable[[pd.DataFrame], float]:
    return lambda frame: float(pd.to_numeric(frame[column]).sum()) if len(frame) else 0.0


def once_per_grouping(column: str) -> Callable[[pd.DataFrame], float]:
    # The outcome report repeats a grouping's episode counts on each of its measure rows.
    return lambda frame: float(frame.drop_duplicates("grouping")[column].sum()) if len(frame) else 0.0
