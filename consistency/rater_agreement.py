"""Agreement between clinicians who rated the same children: a file of ratings (subject, rater, grouping and the
50 Current View items, as the batch grouper reads them) read into rows, and the figures the `rater_agreement`
command writes, from the statistics of groupings.agreement. No ORM, no request.

With two raters per subject the pairs are (first in the file, second). With more, every two raters of a subject
make a pair: the percentage agreement and the items' weighted kappas count every such pair, and Cohen's kappa
(a statistic of two raters) is null; Fleiss' kappa counts every rating whatever the number of raters."""

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from assessments.current_view_items import ALL_ITEMS, ITEMS_BY_ID, MAX_CODE
from camhs_pbr.lib.csv_upload import FileRefused, header_and_lines
from groupings.agreement import (
    bootstrap_fleiss,
    bootstrap_kappa,
    confusion,
    fleiss_kappa,
    kappa_of_table,
    percent_agreement_of,
    weighted_kappa,
)
from groupings.batch import RESULT_COLUMNS, BatchInputError, item_code, item_positions
from groupings.rules import pair_code

KEY_COLUMNS = ("subject", "rater", "grouping")
MAX_FILE_BYTES = 500_000_000  # about 3 million rated cases of 50 items
ADD_ON_COLUMN = "add_on_grouping"
LEVELS = {item: MAX_CODE[ITEMS_BY_ID[item].response_scale] + 1 for item in ALL_ITEMS}


class RatingsRefused(FileRefused):
    """A file of ratings that cannot be used: `problems` names every bad line with its reason."""


@dataclass(frozen=True)
class Rating:
    subject: str
    rater: str
    grouping: str  # with its add-on as one category, "GH03 + GA02"
    codes: tuple[int, ...]  # the 50 items in ALL_ITEMS order, -1 for Not known


def grouping_code(grouping: str, add_on: str = "") -> str:
    """A grouping cell (and an add-on cell) as one category: "GH03+GA02", "gh03 + ga02" -> "GH03 + GA02"."""
    parts = [part.strip().upper() for part in grouping.split("+") if part.strip()]
    if add_on.strip():
        parts.append(add_on.strip().upper())
    if not parts:
        return ""
    return pair_code(parts[0], parts[1] if len(parts) > 1 else None) or ""


def read_ratings(content: bytes) -> list[Rating]:
    """The ratings of a CSV file (UTF-8); RatingsRefused naming every bad line (and every subject with one rater)."""
    header, reader = header_and_lines(
        content,
        max_bytes=MAX_FILE_BYTES,
        too_large=f"The file is larger than {MAX_FILE_BYTES // 1_000_000} MB.",
        empty="The file is empty: expected a header subject,rater,grouping and the 50 items.",
        refused=RatingsRefused,
    )
    names = [name.strip().lower() for name in header]
    missing = [column for column in KEY_COLUMNS if column not in names]
    try:
        # grouping names the rater's choice here, not the grouper's output (as lab.episodes reads it)
        positions = item_positions(["" if name in RESULT_COLUMNS else name for name in names])
    except BatchInputError as error:
        raise RatingsRefused(
            [f"Line 1: {error}."] + ([f"Line 1: missing column(s) {', '.join(missing)}."] if missing else [])
        ) from None
    if missing:
        raise RatingsRefused([f"Line 1: missing column(s) {', '.join(missing)}."])
    subject_at, rater_at, grouping_at = (names.index(column) for column in KEY_COLUMNS)
    add_on_at = names.index(ADD_ON_COLUMN) if ADD_ON_COLUMN in names else None
    problems: list[str] = []
    ratings: list[Rating] = []
    first_line: dict[str, int] = {}
    seen: dict[tuple[str, str], int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                problems.append(f"Line {line}: the row has {len(row)} cells, the header has {len(header)}.")
                continue
            reasons = [
                f"{column} is blank"
                for column, at in zip(KEY_COLUMNS, (subject_at, rater_at, grouping_at), strict=True)
                if not row[at].strip()
            ]
            codes = []
            for item, at in zip(ALL_ITEMS, positions, strict=True):
                code, fault = item_code(item, row[at])
                codes.append(code)
                if fault:
                    reasons.append(fault)
            subject, rater = row[subject_at].strip(), row[rater_at].strip()
            if subject and rater and (subject, rater) in seen:
                reasons.append(
                    f"rater {rater!r} rated subject {subject!r} already on line {seen[subject, rater]}"
                )
            elif subject and rater:
                # a bad line still counts as its subject's rater: its fault is named once, on its own line
                seen[subject, rater] = line
                first_line.setdefault(subject, line)
            if reasons:
                problems.append(f"Line {line}: {'; '.join(reasons)}.")
                continue
            grouping = grouping_code(row[grouping_at], row[add_on_at] if add_on_at is not None else "")
            ratings.append(Rating(subject, rater, grouping, tuple(codes)))
    except csv.Error as error:
        problems.append(f"Line {reader.line_num}: {error}.")
    raters_of: dict[str, int] = {}
    for subject, _rater in seen:
        raters_of[subject] = raters_of.get(subject, 0) + 1
    problems += [
        f"Line {first_line[subject]}: subject {subject!r} has one rater; agreement needs two or more."
        for subject, count in raters_of.items()
        if count == 1
    ]
    if not problems and not ratings:
        problems.append("The file has a header but no ratings.")
    if problems:
        raise RatingsRefused(problems)
    return ratings


def _by_subject(ratings: Iterable[Rating]) -> dict[str, list[Rating]]:
    subjects: dict[str, list[Rating]] = {}
    for rating in ratings:
        subjects.setdefault(rating.subject, []).append(rating)
    return subjects


def summarise(ratings: list[Rating], *, seed: int = 0, resamples: int = 1000) -> dict[str, Any]:
    """The figures of `rater_agreement`: subjects, raters, percentage agreement, Cohen's kappa (two raters per
    subject, else None), Fleiss' kappa, the 95% bootstrap interval (over subjects, seeded) of Cohen's kappa
    (or of Fleiss' with more raters), and each item's quadratic-weighted kappa with its number of pairs."""
    subjects = _by_subject(ratings)
    pairs = [pair for rated in subjects.values() for pair in combinations(rated, 2)]
    matrix = confusion([a.grouping for a, _ in pairs], [b.grouping for _, b in pairs])
    two_each = all(len(rated) == 2 for rated in subjects.values())
    categories = {code: n for n, code in enumerate(sorted({r.grouping for r in ratings}))}
    counts = np.zeros((len(subjects), len(categories)))
    for row, rated in enumerate(subjects.values()):
        for rating in rated:
            counts[row, categories[rating.grouping]] += 1
    if two_each:
        interval = bootstrap_kappa(matrix.table, resamples=resamples, seed=seed)
    else:
        interval = bootstrap_fleiss(counts, resamples=resamples, seed=seed)
    first = np.array([a.codes for a, _ in pairs], dtype=np.int8).reshape(len(pairs), len(ALL_ITEMS))
    second = np.array([b.codes for _, b in pairs], dtype=np.int8).reshape(len(pairs), len(ALL_ITEMS))
    items = {}
    for n, item in enumerate(ALL_ITEMS):
        kappa, counted = weighted_kappa(first[:, n], second[:, n], LEVELS[item])
        items[item] = {"weighted_kappa": kappa, "n": counted}
    return {
        "n_subjects": len(subjects),
        "n_raters": len({r.rater for r in ratings}),
        "n_pairs": len(pairs),
        "percent_agreement": percent_agreement_of(matrix.table),
        "cohen_kappa": kappa_of_table(matrix.table) if two_each else None,
        "fleiss_kappa": fleiss_kappa(counts),
        "kappa_ci95": list(interval) if interval else None,
        "seed": seed,
        "resamples": resamples,
        "items": items,
    }
