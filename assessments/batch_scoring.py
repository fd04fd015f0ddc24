"""Stream a CSV of SDQ, RCADS or HoNOSCA item responses, adding the scores to every row."""

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TextIO

import numpy as np
import pyarrow as pa

from assessments.measures import MEASURES as REGISTRY
from assessments.measures import MeasureSpec
from assessments.scoring import MissingDataRules
from assessments.scoring_arrays import NOT_ANSWERED, Scores
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

__all__ = ["DEFAULT_CHUNK_ROWS", "MEASURES", "BatchInputError", "BatchSummary", "score_csv", "score_csv_file"]

DEFAULT_CHUNK_ROWS = 10_000
ERROR_COLUMN = "error"
_ITEM_COLUMN = re.compile(r"i[0-9]+")
_SCORE_TEXT = np.array([*map(str, range(1000)), ""], dtype=object)  # index -1 (MISSING) is the empty cell


@dataclass(frozen=True)
class _BatchMeasure:
    """What scoring a CSV of one measure needs, read from its spec in the measure registry."""

    label: str
    item_count: int
    cell_codes: Mapping[str, int | None]
    response_name: str
    accepted: str
    score_columns: tuple[str, ...]
    score: Callable[[np.ndarray, MissingDataRules], Scores]

    @classmethod
    def of(cls, spec: MeasureSpec) -> "_BatchMeasure":
        if spec.responses is None or spec.score_arrays is None:
            raise ValueError(f"{spec.label} has batch score columns but no cell vocabulary or array scorer")
        return cls(
            label=spec.label,
            item_count=len(spec.items),
            cell_codes=spec.responses.cell_codes,
            response_name=spec.responses.name,
            accepted=spec.responses.accepted,
            score_columns=spec.batch_score_columns,
            score=spec.score_arrays,
        )


_BATCH_MEASURES = {
    code: _BatchMeasure.of(spec) for code, spec in REGISTRY.items() if spec.batch_score_columns
}
MEASURES = tuple(_BATCH_MEASURES)


def _code(codes: Mapping[str, int | None], cell: str) -> int:
    text = cell if cell in codes else " ".join(cell.split()).lower()
    if text not in codes:
        return BAD_CODE
    code = codes[text]
    return NOT_ANSWERED if code is None else code


class _Scoring(CsvBatch):
    empty_message = "the input is empty: expected a header row naming the item columns"
    skip_blank_lines = False

    def __init__(self, spec: _BatchMeasure, params: MissingDataRules) -> None:
        self.spec, self.params = spec, params
        self.result_columns = (*spec.score_columns, ERROR_COLUMN)
        self.code_of = partial(_code, spec.cell_codes)
        self.names: list[str] = []
        self.by_position: list[int] = []

    def needed_columns(self, header: list[str]) -> list[int]:
        positions = _item_positions(self.spec, header)
        self.names = [header[positions[item]].strip() for item in range(1, self.spec.item_count + 1)]
        self.by_position = sorted(range(self.spec.item_count), key=lambda n: positions[n + 1])
        return [positions[item] for item in range(1, self.spec.item_count + 1)]

    def misshapen(self, cells: int, width: int) -> str:
        return f"row has {cells} cells, expected {width}"

    def decode(self, columns: list[pa.Array]) -> Decoded:
        codes = np.stack([decode_cells(column, self.code_of) for column in columns])
        errors: dict[int, list[str]] = {}
        if (codes == BAD_CODE).any():
            for n in self.by_position:  # problems are named in the order of the file's columns
                bad = np.flatnonzero(codes[n] == BAD_CODE)
                cells = columns[n].take(pa.array(bad)).to_pylist() if bad.size else []
                for row, cell in zip(bad.tolist(), cells, strict=True):
                    message = (
                        f"{self.names[n]}: {cell!r} is not {self.spec.response_name} ({self.spec.accepted})"
                    )
                    errors.setdefault(row, []).append(message)
            codes[codes == BAD_CODE] = NOT_ANSWERED
        return Decoded(codes, errors)

    def compute(self, codes: np.ndarray) -> list[Sequence[str]]:
        scores = self.spec.score(codes, self.params)
        return [_SCORE_TEXT[scores[name]].tolist() for name in self.spec.score_columns]


def _scoring(measure: str, params: MissingDataRules) -> _Scoring:
    if measure not in _BATCH_MEASURES:
        raise BatchInputError(f"unknown measure {measure!r}: expected one of {', '.join(MEASURES)}")
    return _Scoring(_BATCH_MEASURES[measure], params)


def score_csv(
    measure: str,
    infile: Iterable[str],
    outfile: TextIO,
    params: MissingDataRules,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> BatchSummary:
    """Copy each row of `infile` to `outfile`, chunk_rows at a time, adding its scores and an `error` column.
    A header that cannot be scored raises BatchInputError before anything is written; a blank line is an
    error row of no cells."""
    return run_batch(_scoring(measure, params), infile, outfile, chunk_rows)


def score_csv_file(
    measure: str,
    in_path: Path,
    out_path: Path,
    params: MissingDataRules,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> BatchSummary:
    """score_csv between two paths, writing a temporary file beside out_path, renamed only on success."""
    return run_batch_file(_scoring(measure, params), in_path, out_path, chunk_rows)


def _item_positions(spec: _BatchMeasure, header: list[str]) -> dict[int, int]:
    expected = {f"i{item:02d}": item for item in range(1, spec.item_count + 1)}
    positions: dict[int, int] = {}
    problems: list[str] = []
    for position, name in enumerate(header):
        key = name.strip().lower()
        if key in (*spec.score_columns, ERROR_COLUMN):
            problems.append(f"column {name!r} would clash with the {key!r} column the scorer adds")
        elif _ITEM_COLUMN.fullmatch(key):
            if key not in expected:
                problems.append(f"unexpected item column {name!r}")
            elif expected[key] in positions:
                problems.append(f"duplicate item column {name!r}")
            else:
                positions[expected[key]] = position
    missing = [name for name, item in expected.items() if item not in positions]
    if missing:
        problems.append(f"missing item columns: {', '.join(missing)}")
    if problems:
        last = f"i{spec.item_count:02d}"
        raise BatchInputError(f"{spec.label} needs item columns i01..{last}: {'; '.join(problems)}")
    return positions
