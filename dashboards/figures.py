"""Pure figures of the manager dashboard: its tables, and what is computed after SQL has aggregated.

Waiting times: the median and 90th percentile of the days from referral to first attended contact are
numpy's default (method "linear", interpolating between order statistics), computed here over one integer
per case seen in the period. That list is bounded by the cases first seen in the period, it is fetched in
one query, and the same code runs on SQLite and PostgreSQL; PERCENTILE_CONT would push the work into SQL
but exists only on PostgreSQL, so it would need this path as a fallback anyway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from camhs_pbr.lib import numbers
from camhs_pbr.lib.numbers import Kind
from groupings.models import SuperGroup

# pandas (and the pyarrow it loads) is imported where frames are built: every process loads this module, few
# build one (tests/test_startup_imports.py).
if TYPE_CHECKING:
    pass

Cell = str | int | float | None
NOT_ALLOCATED_LABEL = "Not allocated"


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    links: tuple[str | None, ...] = ()  # a URL per cell, or None; shorter than cells means no more links

    @property
    def items(self) -> list[tuple[Cell, str | None]]:
        links = (*self.links, *([None] * (len(self.cells) - len(self.links))))
        return list(zip(self.cells, links, strict=True))


@dataclass(frozen=True)
class Table:
    """One table of the dashboard: shown under its chart, and downloadable as CSV."""

    slug: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    note: str = ""
    problem: str = ""  # why the figures cannot be shown (then rows is empty)
    csv_rows: tuple[tuple[Cell, ...], ...] = field(default=())
    kinds: tuple[
        str, ...
    ] = ()  # how each column's figures read (camhs_pbr.lib.numbers.Kind); none: as they are

    def plain_rows(self) -> list[tuple[Cell, ...]]:
        return list(self.csv_rows) if self.csv_rows else [row.cells for row in self.rows]

    @property
    def shown_rows(self) -> list[list[tuple[str, str | None]]]:
        """Each row's cells as the page shows them (formatted by their column's kind; empty as a dash), with
        their links; the CSV keeps the plain values."""
        kinds = (*self.kinds, *([Kind.TEXT.value] * (len(self.columns) - len(self.kinds))))
        return [
            [(numbers.figure(cell, kind), link) for (cell, link), kind in zip(row.items, kinds, strict=False)]
            for row in self.rows
        ]


@dataclass(frozen=True)
class GroupingCount:
    code: str | None  # None: not allocated
    name: str
    super_group: str | None
    count: int


def by_super_group(counts: Iterable[GroupingCount]) -> list[tuple[str, int]]:
    """Open episodes per super-group, in the catalogue's order, then those not allocated."""
    totals = dict.fromkeys([*SuperGroup.values, NOT_ALLOCATED_LABEL], 0)
    for count in counts:
        totals[count.super_group or NOT_ALLOCATED_LABEL] += count.count
    return list(totals.items())


@dataclass(frozen=True)
class Waiting:
    team_id: int
    cases: int
    median_days: float
    p90_days: float


def waiting_days(referred: Sequence[dt.date], first_seen: Sequence[dt.date]) -> np.ndarray:
    """Days from each referral to its first attended contact."""
    if not referred:
        return np.zeros(0, dtype=int)
    first = np.asarray(first_seen, dtype="datetime64[D]")
    return (first - np.asarray(referred, dtype="datetime64[D]")).astype(int)


def waiting_by_team(team_ids: Sequence[int], days: np.ndarray) -> list[Waiting]:
    """Per team (in id order): cases, median and 90th percentile of waiting days (numpy linear)."""
    import pandas as pd

    frame = pd.DataFrame({"team": np.asarray(team_ids, dtype=int), "days": days})
    result = []
    for team_id, group in frame.groupby("team", sort=True):
        median, p90 = np.percentile(group["days"].to_numpy(), [50, 90])
        result.append(Waiting(int(str(team_id)), int(group.shape[0]), float(median), float(p90)))
    return result


@dataclass(frozen=True)
class Agreement:
    allocations: int
    followed: int
    differed: int
    no_suggestion: int

    @property
    def share_differed(self) -> float | None:
        """Share of the allocations made with a suggestion whose grouping differs from it (None: none)."""
        with_suggestion = self.followed + self.differed
        return round(self.differed / with_suggestion, 3) if with_suggestion else None


def agreement(row: Mapping[str, int]) -> Agreement:
    return Agreement(row["allocations"], row["followed"], row["differed"], row["no_suggestion"])
