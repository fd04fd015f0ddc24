"""Episodes for the lab: read from an analyst's CSV file, with the rules' suggestion for each.

The file has a header naming the 50 item columns (read exactly as the batch grouper reads them:
groupings/batch.py), `appointments` (attended appointments, a whole number 0 or more) and optionally
`cost` (a number 0 or more) and `allocated_grouping` (the grouping code clinicians allocated); other
columns are ignored. When a column is there, every row needs a value in it. A row with a bad cell, or with
more or fewer cells than the header, is left out and reported with its line number and reason; blank lines
are skipped.
"""

import csv
import math
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from groupings.batch import RESULT_COLUMNS, BatchInputError, decode_items, item_positions
from groupings.rules import RuleSet, suggest_arrays
from lab.methods import NO_SUGGESTION, Episodes

__all__ = ["BadRow", "BatchInputError", "EpisodeFile", "read_episodes_csv", "suggested_groupings"]

CHUNK_ROWS = 10_000
APPOINTMENTS, COST, ALLOCATED = "appointments", "cost", "allocated_grouping"


@dataclass(frozen=True)
class BadRow:
    line: int
    reason: str


@dataclass(frozen=True, eq=False)
class EpisodeFile:
    """The good rows as Episodes, the rows left out with their reasons, and the data rows read."""

    episodes: Episodes
    bad_rows: list[BadRow]
    rows: int


def suggested_groupings(codes: np.ndarray, rules: RuleSet) -> np.ndarray:
    """The rules version's grouping code for each row of rows x 50 codes, NO_SUGGESTION where it makes none."""
    grouping = suggest_arrays(codes, rules).grouping
    return np.where(grouping == None, NO_SUGGESTION, grouping).astype(object)  # noqa: E711 - elementwise


def read_episodes_csv(path: Path, rules: RuleSet) -> EpisodeFile:
    """Episodes of a UTF-8 CSV file (module docstring); BatchInputError when the file cannot be used at all."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise BatchInputError("is not a regular file")
    try:
        with open(path, encoding="utf-8-sig", newline="") as infile:
            return _read(csv.reader(infile), rules)
    except UnicodeDecodeError as error:
        raise BatchInputError(f"is not UTF-8 text ({error.reason}); save the file as UTF-8") from error
    except csv.Error as error:
        raise BatchInputError(f"is not valid CSV: {error}") from error


class _Columns:
    """Where the needed columns are in the header."""

    def __init__(self, header: list[str]) -> None:
        names = [name.strip().lower() for name in header]
        # The batch grouper refuses its own output columns; here they are only columns the lab ignores.
        self.items = item_positions(["" if name in RESULT_COLUMNS else name for name in names])
        if APPOINTMENTS not in names:
            raise BatchInputError(f"missing column {APPOINTMENTS!r} (attended appointments per episode)")
        for name in (APPOINTMENTS, COST, ALLOCATED):
            if names.count(name) > 1:
                raise BatchInputError(f"column {name!r} appears twice")
        self.appointments = names.index(APPOINTMENTS)
        self.cost = names.index(COST) if COST in names else None
        self.allocated = names.index(ALLOCATED) if ALLOCATED in names else None
        self.width = len(header)


def _read(reader: Any, rules: RuleSet) -> EpisodeFile:
    header = next(reader, None)
    if not header:
        raise BatchInputError("the file is empty: expected a header naming the 50 items and 'appointments'")
    columns = _Columns(header)
    codes: list[np.ndarray] = []
    appointments: list[float] = []
    costs: list[float] = []
    allocated: list[str] = []
    bad: list[BadRow] = []
    rows = 0
    chunk: list[tuple[int, list[str]]] = []
    for record in reader:
        if not record:
            continue
        rows += 1
        if len(record) != columns.width:
            bad.append(
                BadRow(reader.line_num, f"the row has {len(record)} cells, the header has {columns.width}")
            )
            continue
        chunk.append((reader.line_num, record))
        if len(chunk) == CHUNK_ROWS:
            _decode(chunk, columns, codes, appointments, costs, allocated, bad)
            chunk = []
    _decode(chunk, columns, codes, appointments, costs, allocated, bad)
    all_codes = np.concatenate(codes) if codes else np.empty((0, 50), dtype=np.int8)
    episodes = Episodes(
        codes=all_codes,
        appointments=np.array(appointments, dtype=float),
        suggested=suggested_groupings(all_codes, rules),
        cost=None if columns.cost is None else np.array(costs, dtype=float),
        allocated=None if columns.allocated is None else np.array(allocated, dtype=object),
    )
    return EpisodeFile(episodes=episodes, bad_rows=sorted(bad, key=lambda row: row.line), rows=rows)


def _decode(
    chunk: list[tuple[int, list[str]]],
    columns: _Columns,
    codes: list[np.ndarray],
    appointments: list[float],
    costs: list[float],
    allocated: list[str],
    bad: list[BadRow],
) -> None:
    import pyarrow as pa  # here, not at the top: every process loads this module, few read a file

    if not chunk:
        return
    decoded = decode_items([pa.array([r[p] for _, r in chunk], pa.string()) for p in columns.items])
    keep = []
    for n, (line, record) in enumerate(chunk):
        reasons = list(decoded.errors.get(n, []))
        count = _whole_number(record[columns.appointments])
        if count is None:
            reasons.append(f"appointments: {record[columns.appointments]!r} is not a whole number 0 or more")
        cost = None if columns.cost is None else _amount(record[columns.cost])
        if columns.cost is not None and cost is None:
            reasons.append(f"cost: {record[columns.cost]!r} is not an amount 0 or more")
        code = "" if columns.allocated is None else record[columns.allocated].strip()
        if columns.allocated is not None and not code:
            reasons.append("allocated_grouping is blank")
        if reasons:
            bad.append(BadRow(line, "; ".join(reasons)))
            continue
        keep.append(n)
        appointments.append(float(count))  # type: ignore[arg-type]
        costs.append(cost or 0.0)
        allocated.append(code)
    codes.append(decoded.codes.T[keep])


def _whole_number(cell: str) -> int | None:
    text = cell.strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _amount(cell: str) -> float | None:
    try:
        value = float(cell.strip().lstrip("£").replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None
