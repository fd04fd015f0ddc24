"""Streaming batch grouper: Current Views in a CSV file in, the same rows with their suggestions out."""

import csv
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice, repeat
from pathlib import Path
from typing import TextIO

import numpy as np

from groupings.current_view_items import ALL_ITEMS, ITEMS_BY_ID, RESPONSES
from groupings.rules import NOT_KNOWN_CODE, RuleSet, suggest_columns

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
# The usual spellings hit on the first lookup; anything else is normalised (spaces, case) and looked up again.
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
    codes = np.fromiter(map(_FAST[scale].get, cells, repeat(_BAD)), dtype=np.int8, count=len(cells))
    for row in np.flatnonzero(codes == _BAD).tolist():
        code = _NORMALISED[scale].get(_normalised(cells[row]))
        if code is None:
            errors.setdefault(row, []).append(f"{item}: {cells[row]!r} {_EXPECTED[scale]}")
            code = NOT_KNOWN_CODE
        codes[row] = code
    return codes


def _group_chunk(
    rows: list[list[str]], width: int, positions: list[int], rules: RuleSet
) -> tuple[list[list[object]], int]:
    errors: dict[int, list[str]] = {}
    misshapen: dict[int, list[str]] = {}
    for n, row in enumerate(rows):
        if len(row) != width:
            misshapen[n] = [f"the row has {len(row)} cells, the header has {width}"]
            rows[n] = (row + [""] * width)[:width]
    columns = list(zip(*rows, strict=True))
    codes = np.empty((len(ALL_ITEMS), len(rows)), dtype=np.int8)
    for n, (item, position) in enumerate(zip(ALL_ITEMS, positions, strict=True)):
        codes[n] = _decode(columns[position], item, errors)
    errors.update(misshapen)
    result = suggest_columns(codes, rules)
    out = [
        [grouping or "", rule, result.rules_version, count, attendance, risk, ""]
        for grouping, rule, count, attendance, risk in zip(
            result.grouping.tolist(),
            result.rule.tolist(),
            result.complexity_count.tolist(),
            np.where(result.attendance_flag, "yes", "no").tolist(),
            np.where(result.risk_flag, "yes", "no").tolist(),
            strict=True,
        )
    ]
    for n, messages in errors.items():
        out[n] = ["", "", "", "", "", "", "; ".join(messages)]
    return [row + extra for row, extra in zip(rows, out, strict=True)], len(errors)


def group_csv(infile: TextIO, outfile: TextIO, rules: RuleSet, chunk_rows: int = 50_000) -> BatchSummary:
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
        grouped, chunk_errors = _group_chunk(chunk, len(header), positions, rules)
        writer.writerows(grouped)
        rows += len(chunk)
        errors += chunk_errors
    return BatchSummary(rows=rows, errors=errors)


def group_csv_file(in_path: Path, out_path: Path, rules: RuleSet, chunk_rows: int = 50_000) -> BatchSummary:
    """group_csv between two paths, writing a temporary file beside out_path, renamed only on success."""
    out_path = Path(out_path)
    temporary = out_path.with_name(f".{out_path.name}.{secrets.token_hex(4)}.tmp")
    with open(in_path, encoding="utf-8-sig", newline="") as infile:
        try:
            with open(temporary, "x", encoding="utf-8", newline="") as outfile:
                summary = group_csv(infile, outfile, rules, chunk_rows=chunk_rows)
            os.replace(temporary, out_path)
        finally:
            temporary.unlink(missing_ok=True)
    return summary
