"""Training vignettes: a library file read (every bad line named with its reason, so that nothing is loaded
from a bad file), and what a clinician sees after rating one. Pure: text and plain values in."""

import csv
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from assessments.current_view_items import ALL_ITEMS
from camhs_pbr.lib.csv_upload import FileRefused, header_and_lines
from consistency.audit_agreement import plain
from consistency.rater_agreement import grouping_code
from groupings.batch import RESULT_COLUMNS, BatchInputError, item_code, item_positions
from groupings.rules import NOT_KNOWN_CODE

COLUMNS = ("id", "set", "title", "text", "grouping", "agreed_by")
MAX_FILE_BYTES = 2_000_000
LIMITS = {"id": 20, "set": 100, "title": 200, "text": 20_000, "grouping": 25, "agreed_by": 300}


class VignettesRefused(FileRefused):
    """A vignette file that cannot be loaded: `problems` names every bad line with its reason."""


@dataclass(frozen=True)
class VignetteRow:
    code: str
    vignette_set: str
    title: str
    text: str
    reference_grouping: str
    agreed_by: str
    ratings: dict[str, int | None]


def read_vignettes(
    content: bytes, *, groupings: Collection[str], existing: Collection[str] = ()
) -> list[VignetteRow]:
    """The vignettes of a CSV file (UTF-8): `id, set, title, text, grouping, agreed_by` and the 50 items as the
    batch grouper reads them. `groupings` are the codes a reference grouping may name (a pair "GH03 + GA02"
    names two), `existing` the ids already loaded. VignettesRefused names every bad line."""
    header, reader = header_and_lines(
        content,
        max_bytes=MAX_FILE_BYTES,
        too_large=f"The file is larger than {MAX_FILE_BYTES // 1_000_000} MB.",
        empty=f"The file is empty: expected the header {','.join(COLUMNS)} and the 50 items.",
        refused=VignettesRefused,
    )
    names = [name.strip().lower() for name in header]
    problems = [f"Line 1: missing column {column}." for column in COLUMNS if column not in names]
    try:
        positions = item_positions(["" if name in RESULT_COLUMNS else name for name in names])
    except BatchInputError as error:
        problems.append(f"Line 1: {error}.")
    if problems:
        raise VignettesRefused(problems)
    at = {column: names.index(column) for column in COLUMNS}
    rows: list[VignetteRow] = []
    first_line: dict[str, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                problems.append(f"Line {line}: the row has {len(row)} cells, the header has {len(header)}.")
                continue
            cells = {column: row[at[column]].strip() for column in COLUMNS}
            reasons = [f"{column} is blank" for column, value in cells.items() if not value]
            reasons += [
                f"{column} is longer than {limit:,} characters"
                for column, limit in LIMITS.items()
                if len(cells[column]) > limit
            ]
            code = cells["id"]
            if code in first_line:
                reasons.append(f"id {code!r} is on line {first_line[code]} too")
            elif code in existing:
                reasons.append(f"id {code!r} is loaded already")
            elif code:
                first_line[code] = line
            reference = grouping_code(cells["grouping"])
            unknown = [part for part in reference.split(" + ") if part and part not in groupings]
            if cells["grouping"] and unknown:
                reasons.append(f"grouping {', '.join(unknown)} is not in the current rules version")
            ratings: dict[str, int | None] = {}
            for item, position in zip(ALL_ITEMS, positions, strict=True):
                value, fault = item_code(item, row[position])
                ratings[item] = None if value == NOT_KNOWN_CODE else value
                if fault:
                    reasons.append(fault)
            if reasons:
                problems.append(f"Line {line}: {'; '.join(reasons)}.")
                continue
            rows.append(
                VignetteRow(
                    code, cells["set"], cells["title"], cells["text"], reference, cells["agreed_by"], ratings
                )
            )
    except csv.Error as error:
        problems.append(f"Line {reader.line_num}: {error}.")
    if not problems and not rows:
        problems.append("The file has a header but no vignettes.")
    if problems:
        raise VignettesRefused(problems)
    return rows


@dataclass(frozen=True)
class ClinicianAgreement:
    name: str
    rated: int
    same_grouping: int
    percent: float | None  # of vignettes rated, the share given the reference grouping
    items_percent: float | None  # of items rated by both (not Not known), the share rated as the reference


def clinician_agreement(
    name: str, pairs: list[tuple[str, str, Mapping[str, int | None], Mapping[str, int | None]]]
) -> ClinicianAgreement:
    """One clinician's agreement with the reference over their rated vignettes: (reference grouping, theirs,
    reference items, their items) per vignette."""
    same = sum(1 for reference, theirs, _, _ in pairs if reference == theirs)
    both = [
        (reference[item], theirs[item])
        for _, _, reference, theirs in pairs
        for item in ALL_ITEMS
        if reference[item] is not None and theirs[item] is not None
    ]
    return ClinicianAgreement(
        name=name,
        rated=len(pairs),
        same_grouping=same,
        percent=100 * same / len(pairs) if pairs else None,
        items_percent=100 * sum(a == b for a, b in both) / len(both) if both else None,
    )


def sets_as_json(sets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The per-set agreement (consistency.selectors.vignette_sets_agreement) as plain JSON values, to be
    stored on an agreement run."""
    return plain([{**row, "clinicians": [asdict(each) for each in row["clinicians"]]} for row in sets])


def sets_from_json(data: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The per-set agreement `sets_as_json` stored, as the managers' page reads it."""
    return [{**row, "clinicians": [ClinicianAgreement(**each) for each in row["clinicians"]]} for row in data]
