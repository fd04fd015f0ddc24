"""Stream a CSV of SDQ, RCADS or HoNOSCA item responses, adding the scores to every row.

An SDQ file may also carry each row's `informant` and its impact supplement (`overall_difficulties` and the
impact areas, by their names); a HoNOSCA file may leave out section B (i14, i15: not known)."""

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import Any, TextIO

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
INFORMANT_COLUMN = "informant"
_ITEM_COLUMN = re.compile(r"i[0-9]+")
_SCORE_TEXT = np.array([*map(str, range(1000)), ""], dtype=object)  # index -1 (MISSING) is the empty cell


@dataclass(frozen=True)
class _Column:
    """A column a batch reads besides the items: its header name and what its cells may hold."""

    name: str
    cell_codes: Mapping[str, int | None]
    response_name: str
    accepted: str


@dataclass(frozen=True)
class _BatchMeasure:
    """What scoring a CSV of one measure needs, read from its spec in the measure registry."""

    label: str
    item_count: int
    optional_items: frozenset[int]
    cell_codes: Mapping[str, int | None]
    response_name: str
    accepted: str
    score_columns: tuple[str, ...]
    score: Callable[[np.ndarray, MissingDataRules], Scores]
    # The SDQ impact supplement: the informant column, the supplement's columns, and which of them each
    # informant's version has (supplement keys x informants); all empty for the other measures.
    informant: _Column | None = None
    supplement: tuple[_Column, ...] = ()
    on_version: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    informants: tuple[str, ...] = ()
    impact: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None

    @classmethod
    def of(cls, spec: MeasureSpec) -> "_BatchMeasure":
        if spec.responses is None or spec.score_arrays is None:
            raise ValueError(f"{spec.label} has batch score columns but no cell vocabulary or array scorer")
        measure = cls(
            label=spec.label,
            item_count=len(spec.items),
            optional_items=frozenset(spec.batch_optional_items),
            cell_codes=spec.responses.cell_codes,
            response_name=spec.responses.name,
            accepted=spec.responses.accepted,
            score_columns=spec.batch_score_columns,
            score=spec.score_arrays,
        )
        if spec.impact_arrays is None:
            return measure
        return dataclasses.replace(measure, **_supplement_of(spec))


def _supplement_of(spec: MeasureSpec) -> dict[str, Any]:
    if spec.overall_responses is None or spec.impact_responses is None:
        raise ValueError(f"{spec.label} scores impact in batches but lacks the supplement's options")
    informants = tuple(spec.impact_items)  # the positions the impact array scorer reads
    codes = {"": BAD_CODE} | {name: n for n, name in enumerate(informants)}
    words = f"{', '.join(informants[:-1])} or {informants[-1]}"
    informant = _Column(INFORMANT_COLUMN, MappingProxyType(codes), f"an {spec.label} informant", words)
    columns = []
    for key in spec.supplement_keys:
        options = spec.overall_responses if key == spec.overall_question else spec.impact_responses
        columns.append(_Column(key, options.cell_codes, options.name, options.accepted))
    on_version = np.array(
        [[key in spec.supplement_of(name) for name in informants] for key in spec.supplement_keys]
    )
    return {
        "informant": informant,
        "supplement": tuple(columns),
        "on_version": on_version,
        "informants": informants,
        "impact": spec.impact_arrays,
    }


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
        self.names: list[str] = []  # the header names of the columns read, in the order they are decoded
        self.rows: list[int] = []  # the row of the codes array each of them fills
        self.code_of: list[Callable[[str], int]] = []
        self.problems_of: list[str] = []  # "is not an SDQ response (...)" of each column read
        self.by_position: list[int] = []

    def needed_columns(self, header: list[str]) -> list[int]:
        spec = self.spec
        items, others = _positions(spec, header)
        read = [
            (_Column(f"i{item:02d}", spec.cell_codes, spec.response_name, spec.accepted), item - 1, p)
            for item, p in items.items()
        ]
        if any(column.name in others for column in spec.supplement):  # the informant is read only with them
            assert spec.informant is not None
            extra = [spec.informant, *spec.supplement]
            read += [
                (c, spec.item_count + n, others[c.name]) for n, c in enumerate(extra) if c.name in others
            ]
        self.names = [header[position].strip() for _, _, position in read]
        self.rows = [row for _, row, _ in read]
        self.code_of = [partial(_code, column.cell_codes) for column, _, _ in read]
        self.problems_of = [f"is not {column.response_name} ({column.accepted})" for column, _, _ in read]
        self.by_position = sorted(range(len(read)), key=lambda n: read[n][2])
        return [position for _, _, position in read]

    def misshapen(self, cells: int, width: int) -> str:
        return f"row has {cells} cells, expected {width}"

    def decode(self, columns: list[pa.Array]) -> Decoded:
        spec = self.spec
        rows = len(columns[0]) if columns else 0
        width = spec.item_count + (1 + len(spec.supplement) if spec.informant is not None else 0)
        codes = np.full((width, rows), NOT_ANSWERED, dtype=np.int8)
        for column, row, code_of in zip(columns, self.rows, self.code_of, strict=True):
            codes[row] = decode_cells(column, code_of)
        errors: dict[int, list[str]] = {}
        if (codes == BAD_CODE).any():
            for n in self.by_position:  # problems are named in the order of the file's columns
                bad = np.flatnonzero(codes[self.rows[n]] == BAD_CODE)
                cells = columns[n].take(pa.array(bad)).to_pylist() if bad.size else []
                for row, cell in zip(bad.tolist(), cells, strict=True):
                    errors.setdefault(row, []).append(f"{self.names[n]}: {cell!r} {self.problems_of[n]}")
            codes[codes == BAD_CODE] = NOT_ANSWERED
        if spec.informant is not None:
            self._refuse_areas_off_version(codes, errors)
        return Decoded(codes, errors)

    def _refuse_areas_off_version(self, codes: np.ndarray, errors: dict[int, list[str]]) -> None:
        """An answer to an impact area the row's informant's version does not ask is an error."""
        spec = self.spec
        informants = codes[spec.item_count].astype(np.int64)
        supplement = codes[spec.item_count + 1 :]
        known = informants != NOT_ANSWERED
        on_version = np.zeros(supplement.shape, dtype=bool)
        on_version[:, known] = spec.on_version[:, informants[known]]
        off = (supplement != NOT_ANSWERED) & known & ~on_version
        for key, row in zip(*np.nonzero(off), strict=True):
            message = f"{spec.supplement[key].name}: the {spec.informants[informants[row]]} {spec.label} has no such question"
            errors.setdefault(int(row), []).append(message)
        supplement[off] = NOT_ANSWERED

    def compute(self, codes: np.ndarray) -> list[Sequence[str]]:
        spec = self.spec
        scores = spec.score(codes[: spec.item_count], self.params)
        if spec.impact is not None:  # a file without the supplement's columns leaves its rows NOT_ANSWERED
            informants, supplement = codes[spec.item_count], codes[spec.item_count + 1 :]
            scores = scores | {"impact": spec.impact(informants, supplement)}
        return [_SCORE_TEXT[scores[name]].tolist() for name in spec.score_columns]


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


def _positions(spec: _BatchMeasure, header: list[str]) -> tuple[dict[int, int], dict[str, int]]:
    """The positions of the item columns, and of the informant and supplement columns the header has."""
    expected = {f"i{item:02d}": item for item in range(1, spec.item_count + 1)}
    named = ([spec.informant.name] if spec.informant is not None else []) + [c.name for c in spec.supplement]
    positions: dict[int, int] = {}
    others: dict[str, int] = {}
    problems: list[str] = []
    for position, name in enumerate(header):
        key = name.strip().lower()
        if key in (*spec.score_columns, ERROR_COLUMN):
            problems.append(f"column {name!r} would clash with the {key!r} column the scorer adds")
        elif key in named:
            if key in others:
                problems.append(f"duplicate column {name!r}")
            others[key] = position
        elif _ITEM_COLUMN.fullmatch(key):
            if key not in expected:
                problems.append(f"unexpected item column {name!r}")
            elif expected[key] in positions:
                problems.append(f"duplicate item column {name!r}")
            else:
                positions[expected[key]] = position
    missing = [
        name for name, item in expected.items() if item not in positions and item not in spec.optional_items
    ]
    if missing:
        problems.append(f"missing item columns: {', '.join(missing)}")
    if (
        spec.informant is not None
        and others.keys() - {spec.informant.name}
        and spec.informant.name not in others
    ):
        problems.append(
            f"the impact columns ({', '.join(others)}) need an {spec.informant.name!r} column "
            f"({spec.informant.accepted})"
        )
    if problems:
        last = f"i{spec.item_count:02d}"
        optional = sorted(spec.optional_items)
        optional_note = f" ({', '.join(f'i{item:02d}' for item in optional)} optional)" if optional else ""
        raise BatchInputError(
            f"{spec.label} needs item columns i01..{last}{optional_note}: {'; '.join(problems)}"
        )
    return positions, others
