"""Stream a CSV of SDQ, RCADS or HoNOSCA item responses, adding the scores to every row."""

import csv
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TextIO

from assessments.measures import (
    HONOSCA_MAX_RATING,
    HONOSCA_NOT_KNOWN,
    HONOSCA_SCALES,
    RCADS_ITEMS,
    RCADS_RESPONSES,
    SDQ_ITEMS,
    SDQ_RESPONSES,
)
from assessments.scoring import MissingDataRules, score_honosca, score_rcads, score_sdq

ERROR_COLUMN = "error"
_ITEM_COLUMN = re.compile(r"i[0-9]+")

Answers = dict[int, int | None]


class BatchInputError(ValueError):
    """The input cannot be scored as a whole (bad header or malformed CSV)."""


@dataclass(frozen=True)
class BatchSummary:
    """How many data rows were written, and how many of them carry an error."""

    rows: int
    errors: int


@dataclass(frozen=True)
class _BatchMeasure:
    label: str
    item_count: int
    cell_codes: Mapping[str, int | None]
    response_name: str
    accepted: str
    score_columns: tuple[str, ...]
    score: Callable[[Answers, MissingDataRules], Mapping[str, int | None]]


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
        score=lambda answers, params: score_sdq(answers).as_dict(),
    ),
    "rcads": _BatchMeasure(
        label="RCADS",
        item_count=len(RCADS_ITEMS),
        cell_codes=_response_codes(RCADS_RESPONSES),
        response_name="an RCADS response",
        accepted=f"{', '.join(RCADS_RESPONSES)} or 0-{len(RCADS_RESPONSES) - 1}",
        score_columns=("separation", "social", "gad", "panic", "ocd", "depression", "total_anxiety", "total"),
        score=lambda answers, params: score_rcads(answers, params).as_dict(),
    ),
    "honosca": _BatchMeasure(
        label="HoNOSCA",
        item_count=len(HONOSCA_SCALES),
        cell_codes=_honosca_codes(),
        response_name="a HoNOSCA rating",
        accepted=f"0-{HONOSCA_MAX_RATING}, or {HONOSCA_NOT_KNOWN} for not known",
        score_columns=("total",),
        score=lambda answers, params: score_honosca(answers, params).as_dict(),
    ),
}
MEASURES = tuple(_BATCH_MEASURES)


def score_csv(measure: str, infile: TextIO, outfile: TextIO, params: MissingDataRules) -> BatchSummary:
    """Copy each row of `infile` to `outfile`, row by row, adding its scores and an `error` column.
    A header that cannot be scored raises BatchInputError before anything is written."""
    if measure not in _BATCH_MEASURES:
        raise BatchInputError(f"unknown measure {measure!r}: expected one of {', '.join(MEASURES)}")
    spec = _BATCH_MEASURES[measure]
    rows_in = _csv_rows(infile)
    header = next(rows_in, None)
    if header is None:
        raise BatchInputError("the input is empty: expected a header row naming the item columns")
    item_positions = _item_positions(spec, header)
    width = len(header)
    no_scores = [""] * len(spec.score_columns)

    writer = csv.writer(outfile)
    writer.writerow([*header, *spec.score_columns, ERROR_COLUMN])
    rows = errors = 0
    for row in rows_in:
        rows += 1
        if len(row) != width:
            errors += 1
            padded = (row + [""] * width)[:width]
            writer.writerow([*padded, *no_scores, f"row has {len(row)} cells, expected {width}"])
            continue
        answers, problems = _parse_answers(spec, header, row, item_positions)
        if problems:
            errors += 1
            writer.writerow([*row, *no_scores, "; ".join(problems)])
            continue
        scores = spec.score(answers, params)
        writer.writerow([*row, *("" if value is None else value for value in scores.values()), ""])
    return BatchSummary(rows=rows, errors=errors)


def _csv_rows(infile: TextIO) -> Iterator[list[str]]:
    reader = csv.reader(infile)
    try:
        yield from reader
    except csv.Error as error:
        raise BatchInputError(f"line {reader.line_num} is not valid CSV: {error}") from error


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


def _parse_answers(
    spec: _BatchMeasure, header: list[str], row: list[str], item_positions: dict[int, int]
) -> tuple[Answers, list[str]]:
    answers: Answers = {}
    problems: list[str] = []
    codes = spec.cell_codes
    for item, position in item_positions.items():
        cell = row[position]
        if cell in codes:
            answers[item] = codes[cell]
            continue
        text = " ".join(cell.split()).lower()
        if text in codes:
            answers[item] = codes[text]
        else:
            problems.append(
                f"{header[position].strip()}: {cell!r} is not {spec.response_name} ({spec.accepted})"
            )
    return answers, problems
