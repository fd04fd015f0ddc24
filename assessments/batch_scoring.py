"""Stream a CSV of SDQ, RCADS or HoNOSCA item responses, adding the scores to every row."""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TextIO

import numpy as np
import pyarrow as pa

from assessments.measures import (
    HONOSCA_MAX_RATING,
    HONOSCA_NOT_KNOWN,
    HONOSCA_SCALES,
    RCADS_ITEMS,
    RCADS_RESPONSES,
    SDQ_ITEMS,
    SDQ_RESPONSES,
)
from assessments.scoring import MissingDataRules
from assessments.scoring_arrays import (
    NOT_ANSWERED,
    Scores,
    honosca_score_arrays,
    rcads_score_arrays,
    sdq_score_arrays,
)
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
    label: str
    item_count: int
    cell_codes: Mapping[str, int | None]
    response_name: str
    accepted: str
    score_columns: tuple[str, ...]
    score: Callable[[np.ndarray, MissingDataRules], Scores]


def _response_codes(words: tuple[str, ...]) -> dict[str, int | None]:
    codes: dict[str, int | None] = {"": None}
    for code, word in enumerate(words):
        codes.update({word: code, word.lower(): code, str(code): code})
    return codes


def _honosca_codes() -> dict[str, int | None]:
    codes: dict[str, int | None] = {"": None, str(HONOSCA_NOT_KNOWN): None}
    codes.update({str(rating): rating for rating in range(HONOSCA_MAX_RATING + 1)})
    return codes


_BATCH_MEASURES = {
    "sdq": _BatchMeasure(
        label="SDQ",
        item_count=len(SDQ_ITEMS),
        cell_codes=_response_codes(SDQ_RESPONSES),
        response_name="an SDQ response",
        accepted=f"{', '.join(SDQ_RESPONSES)} or 0-{len(SDQ_RESPONSES) - 1}",
        score_columns=("emotional", "conduct", "hyperactivity", "peer", "prosocial", "total_difficulties"),
        score=lambda codes, params: sdq_score_arrays(codes),
    ),
    "rcads": _BatchMeasure(
        label="RCADS",
        item_count=len(RCADS_ITEMS),
        cell_codes=_response_codes(RCADS_RESPONSES),
        response_name="an RCADS response",
        accepted=f"{', '.join(RCADS_RESPONSES)} or 0-{len(RCADS_RESPONSES) - 1}",
        score_columns=("separation", "social", "gad", "panic", "ocd", "depression", "total_anxiety", "total"),
        score=rcads_score_arrays,
    ),
    "honosca": _BatchMeasure(
        label="HoNOSCA",
        item_count=len(HONOSCA_SCALES),
        cell_codes=_honosca_codes(),
        response_name="a HoNOSCA rating",
        accepted=f"0-{HONOSCA_MAX_RATING}, or {HONOSCA_NOT_KNOWN} for not known",
        score_columns=("total",),
        score=honosca_score_arrays,
    ),
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
    infile: TextIO,
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
