"""A report's trend: the one figure followed month by month in its chart; each report kind names its own in
reports.kinds. The figure is that column's total on the report page (reports.totals), for the same rows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Trend:
    label: str
    column: str  # the column whose total (as in the page's Total row) is followed
    unit: str = ""  # what a count counts, for the chart's axis ("episodes"); money says £ itself
