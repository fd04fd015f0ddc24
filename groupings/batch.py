"""Streaming batch grouper: Current Views in a CSV file in, the same rows with their suggestions out.

An optional `age` column gives the child's age in completed years at the Current View's date (blank: not
known; a rule with an age band never fires then). The output's `add_on_grouping` is blank without an add-on.
"""

import re
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import numpy as np

from assessments.current_view_items import ALL_ITEMS, ITEMS_BY_ID, RESPONSES
from camhs_pbr.lib.csv_batch import (
    BAD_CODE,
    BatchInputError,
    BatchSummary,
    CsvBatch,
    Decoded,
    decode_cells,
    run_batch,
    run_batch_file,
)
from groupings.rules import MAX_AGE, NOT_KNOWN_CODE, RuleSet, suggest_columns

if TYPE_CHECKING:  # pyarrow is imported by the batch when it runs (camhs_pbr/lib/csv_batch.py says why)
    import pyarrow as pa

__all__ = [
    "DEFAULT_CHUNK_ROWS",
    "RESULT_COLUMNS",
    "BatchInputError",
    "BatchSummary",
    "decode_items",
    "group_csv",
    "group_csv_file",
    "item_code",
    "item_positions",
]

DEFAULT_CHUNK_ROWS = 10_000
AGE_COLUMN = "age"
RESULT_COLUMNS = (
    "grouping",
    "add_on_grouping",
    "rule",
    "rules_version",
    "complexity_count",
    "attendance_flag",
    "risk_flag",
    "error",
)
_LOOKS_LIKE_ITEM = re.compile(r"[pcxe]\d+")
_EXPECTED = {
    "severity": "is not a rating (None, Mild, Moderate, Severe, Not known or 0-3)",
    "presence": "is not an answer (Yes, No, Not known or 1/0)",
}
_SCALES = [ITEMS_BY_ID[item].response_scale for item in ALL_ITEMS]
_COUNTS = np.array([str(n) for n in range(len(ALL_ITEMS) + 1)], dtype=object)
_YES_NO = np.array(["no", "yes"], dtype=object)


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


def _code(table: dict[str, int], cell: str) -> int:
    return table.get(_normalised(cell), BAD_CODE)


_CODE_OF = {scale: partial(_code, table) for scale, table in _NORMALISED.items()}


def _age_code(cell: str) -> int:
    text = cell.strip()
    if not text:
        return NOT_KNOWN_CODE
    if text.isascii() and text.isdigit() and int(text) <= MAX_AGE:
        return int(text)
    return BAD_CODE


def _item_positions(header: list[str]) -> list[int]:
    """The positions of the 50 item columns in ALL_ITEMS order, then of the `age` column if there is one."""
    found: dict[str, int] = {}
    age: list[int] = []
    for position, name in enumerate(header):
        key = name.strip().lower()
        if key in RESULT_COLUMNS:
            raise BatchInputError(
                f"column {position + 1} is named {name.strip()!r}, which the output adds itself"
            )
        if key == AGE_COLUMN:
            if age:
                raise BatchInputError(f"column 'age' appears twice (columns {age[0] + 1} and {position + 1})")
            age.append(position)
        elif key in ITEMS_BY_ID:
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
    return [found[item] for item in ALL_ITEMS] + age


def item_code(item: str, cell: str) -> tuple[int, str | None]:
    """One item's cell as the batch grouper reads it: its code (NOT_KNOWN_CODE for blank or Not known) and
    None, or NOT_KNOWN_CODE and what is wrong with the cell."""
    scale = ITEMS_BY_ID[item].response_scale
    code = _CODE_OF[scale](cell)
    if code == BAD_CODE:
        return NOT_KNOWN_CODE, f"{item}: {cell!r} {_EXPECTED[scale]}"
    return code, None


def item_positions(header: list[str]) -> list[int]:
    """Positions of the 50 item columns in a header, ALL_ITEMS order; BatchInputError names what is wrong."""
    return _item_positions(header)[: len(ALL_ITEMS)]


def decode_items(columns: "list[pa.Array]") -> Decoded:
    """50 x rows int8 codes of the item cells (one string array per item, ALL_ITEMS order) as the batch
    grouper reads them, and each bad row's messages; a bad cell's code is Not known."""
    decoded = _Grouping.decode_items(columns[: len(ALL_ITEMS)])
    return Decoded(decoded.codes[: len(ALL_ITEMS)], decoded.errors)


class _Grouping(CsvBatch):
    result_columns = RESULT_COLUMNS
    empty_message = "the file is empty: expected a header row naming the 50 Current View items"
    skip_blank_lines = True

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules

    def needed_columns(self, header: list[str]) -> list[int]:
        return _item_positions(header)

    def misshapen(self, cells: int, width: int) -> str:
        return f"the row has {cells} cells, the header has {width}"

    def decode(self, columns: "list[pa.Array]") -> Decoded:
        return self.decode_items(columns)

    @staticmethod
    def decode_items(columns: "list[pa.Array]") -> Decoded:
        """Codes as 51 x rows int8: the 50 items in ALL_ITEMS order, then the age (-1 when not known)."""
        import pyarrow as pa

        codes = np.full((len(ALL_ITEMS) + 1, len(columns[0])), NOT_KNOWN_CODE, dtype=np.int8)
        errors: dict[int, list[str]] = {}
        if len(columns) > len(ALL_ITEMS):
            codes[-1] = decode_cells(columns[-1], _age_code)
            bad = np.flatnonzero(codes[-1] == BAD_CODE)
            if bad.size:
                codes[-1, bad] = NOT_KNOWN_CODE
                cells = columns[-1].take(pa.array(bad)).to_pylist()
                for row, cell in zip(bad.tolist(), cells, strict=True):
                    errors.setdefault(row, []).append(
                        f"age: {cell!r} is not an age in whole years (0-{MAX_AGE})"
                    )
        for n, (item, scale, column) in enumerate(
            zip(ALL_ITEMS, _SCALES, columns[: len(ALL_ITEMS)], strict=True)
        ):
            codes[n] = decode_cells(column, _CODE_OF[scale])
            bad = np.flatnonzero(codes[n] == BAD_CODE)
            if bad.size:
                codes[n, bad] = NOT_KNOWN_CODE
                cells = column.take(pa.array(bad)).to_pylist()
                for row, cell in zip(bad.tolist(), cells, strict=True):
                    errors.setdefault(row, []).append(f"{item}: {cell!r} {_EXPECTED[scale]}")
        return Decoded(codes, errors)

    def compute(self, codes: np.ndarray) -> list[Sequence[str]]:
        result = suggest_columns(codes[: len(ALL_ITEMS)], self.rules, codes[-1])
        grouping = [code or "" for code in result.grouping.tolist()]
        return [
            grouping,
            [code or "" for code in result.add_on_grouping.tolist()],
            result.rule.tolist(),
            [result.rules_version] * len(grouping),
            _COUNTS[result.complexity_count].tolist(),
            _YES_NO[result.attendance_flag.astype(np.intp)].tolist(),
            _YES_NO[result.risk_flag.astype(np.intp)].tolist(),
        ]


def group_csv(
    infile: Iterable[str], outfile: TextIO, rules: RuleSet, chunk_rows: int = DEFAULT_CHUNK_ROWS
) -> BatchSummary:
    """Suggest a grouping for every row of a Current View CSV, streaming chunk_rows rows at a time.

    Flags are written "yes"/"no"; an error row keeps its cells and leaves every result but `error` empty.
    Blank lines are skipped.
    """
    return run_batch(_Grouping(rules), infile, outfile, chunk_rows)


def group_csv_file(
    in_path: Path, out_path: Path, rules: RuleSet, chunk_rows: int = DEFAULT_CHUNK_ROWS
) -> BatchSummary:
    """group_csv between two paths, writing a temporary file beside out_path, renamed only on success."""
    return run_batch_file(_Grouping(rules), in_path, out_path, chunk_rows)
