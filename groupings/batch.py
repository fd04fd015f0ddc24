"""Streaming batch grouper: Current Views in a CSV file in, the same rows with their suggestions out."""

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice, repeat
from pathlib import Path
from typing import TextIO

import numpy as np

from assessments.current_view_items import ALL_ITEMS, ITEMS_BY_ID, RESPONSES
from camhs_pbr.files import replaced_on_success
from groupings.rules import NOT_KNOWN_CODE, RuleSet, suggest_columns

DEFAULT_CHUNK_ROWS = 10_000
RESULT_COLUMNS = (
    "grouping",
    "rule",
    "rules_version",
    "complexity_count",
    "attendance_flag",
    "risk_flag",
    "error",
)
_LOOKS_LIKE_ITEM = re.compile(r"[pcxe]\d+")
_BAD = -2
_EXPECTED = {
    "severity": "is not a rating (None, Mild, Moderate, Severe, Not known or 0-3)",
    "presence": "is not an answer (Yes, No, Not known or 1/0)",
}


class BatchInputError(ValueError):
    """The file cannot be grouped at all (bad header); raised before any output is written."""


@dataclass(frozen=True)
class BatchSummary:
    """Rows read (header and blank lines excluded) and how many of them were error rows."""

    rows: int
    errors: int


def _normalised(text: str) -> str:
    return " ".join(text.split()).lower()


def _vocabulary(scale: str) -> dict[str, int]:
    table = {"": NOT_KNOWN_CODE}
    for word, code in RESPONSES[scale].items():
        table[_normalised(word)] = NOT_KNOWN_CODE if code is None else code
        if code is not None:
            table[str(code)] = code
    return table


_NORMALISED = {scale: _vocabulary(scale) for scale in RESPONSES}
_FAST = {
    scale: {
        variant: code for word, code in table.items() for variant in (word, word.capitalize(), word.upper())
    }
    for scale, table in _NORMALISED.items()
}


def _item_positions(header: list[str]) -> list[int]:
    found: dict[str, int] = {}
    for position, name in enumerate(header):
        key = name.strip().lower()
        if key in RESULT_COLUMNS:
            raise BatchInputError(
                f"column {position + 1} is named {name.strip()!r}, which the output adds itself"
            )
        if key in ITEMS_BY_ID:
            if key in found:
                raise BatchInputError(
                    f"item column {key!r} appears twice (columns {found[key] + 1} and {position + 1})"
                )
            found[key] = position
        elif _LOOKS_LIKE_ITEM.fullmatch(key):
            raise BatchInputError(
                f"column {position + 1} {name.strip()!r} is not a Current View item "
                "(items are p01-p30, c31-c44, x45-x48, e49 and e50)"
            )
    missing = [item for item in ALL_ITEMS if item not in found]
    if missing:
        raise BatchInputError(f"missing item column(s): {', '.join(missing)}")
    return [found[item] for item in ALL_ITEMS]


def _chunks(reader: Iterator[list[str]], size: int) -> Iterator[list[list[str]]]:
    while chunk := list(islice(reader, size)):
        rows = [row for row in chunk if row]
        if rows:
            yield rows


def _decode(cells: tuple[str, ...], item: str, errors: dict[int, list[str]]) -> np.ndarray:
    scale = ITEMS_BY_ID[item].response_scale
    try:
        return np.array(list(map(_FAST[scale].__getitem__, cells)), dtype=np.int8)
    except KeyError:
        pass
    codes = np.fromiter(map(_FAST[scale].get, cells, repeat(_BAD)), dtype=np.int8, count=len(cells))
    for row in np.flatnonzero(codes == _BAD).tolist():
        code = _NORMALISED[scale].get(_normalised(cells[row]))
        if code is None:
            errors.setdefault(row, []).append(f"{item}: {cells[row]!r} {_EXPECTED[scale]}")
            code = NOT_KNOWN_CODE
        codes[row] = code
    return codes


def _write_chunk(
    write_rows: Callable[[Iterable[Iterable[object]]], object],
    rows: list[list[str]],
    width: int,
    positions: list[int],
    rules: RuleSet,
) -> int:
    """Group one chunk of rows and write it; returns its number of error rows."""
    errors: dict[int, list[str]] = {}
    misshapen: dict[int, list[str]] = {}
    for n, row in enumerate(rows):
        if len(row) != width:
            misshapen[n] = [f"the row has {len(row)} cells, the header has {width}"]
            rows[n] = (row + [""] * width)[:width]
    columns = list(zip(*rows, strict=True))
    rows.clear()
    codes = np.empty((len(ALL_ITEMS), len(columns[0])), dtype=np.int8)
    for n, (item, position) in enumerate(zip(ALL_ITEMS, positions, strict=True)):
        codes[n] = _decode(columns[position], item, errors)
    errors.update(misshapen)
    result = suggest_columns(codes, rules)
    grouping = [code or "" for code in result.grouping.tolist()]
    rule = result.rule.tolist()
    version = [result.rules_version] * len(rule)
    count: list[object] = result.complexity_count.tolist()
    attendance = np.where(result.attendance_flag, "yes", "no").tolist()
    risk = np.where(result.risk_flag, "yes", "no").tolist()
    error = [""] * len(rule)
    for n, messages in errors.items():
        grouping[n] = rule[n] = version[n] = count[n] = attendance[n] = risk[n] = ""
        error[n] = "; ".join(messages)
    write_rows(zip(*columns, grouping, rule, version, count, attendance, risk, error, strict=True))
    return len(errors)


def group_csv(
    infile: TextIO, outfile: TextIO, rules: RuleSet, chunk_rows: int = DEFAULT_CHUNK_ROWS
) -> BatchSummary:
    """Suggest a grouping for every row of a Current View CSV, streaming chunk_rows rows at a time.

    Flags are written "yes"/"no"; an error row keeps its cells and leaves every result but `error` empty.
    """
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be at least 1")
    reader = csv.reader(infile)
    header = next(reader, None)
    if header is None:
        raise BatchInputError("the file is empty: expected a header row naming the 50 Current View items")
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    positions = _item_positions(header)
    writer = csv.writer(outfile)
    writer.writerow([*header, *RESULT_COLUMNS])
    rows = errors = 0
    for chunk in _chunks(reader, chunk_rows):
        rows += len(chunk)
        errors += _write_chunk(writer.writerows, chunk, len(header), positions, rules)
    return BatchSummary(rows=rows, errors=errors)


def group_csv_file(
    in_path: Path, out_path: Path, rules: RuleSet, chunk_rows: int = DEFAULT_CHUNK_ROWS
) -> BatchSummary:
    """group_csv between two paths, writing a temporary file beside out_path, renamed only on success."""
    with open(in_path, encoding="utf-8-sig", newline="") as infile, replaced_on_success(out_path) as outfile:
        return group_csv(infile, outfile, rules, chunk_rows=chunk_rows)
