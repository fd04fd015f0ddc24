"""Licensed item wording: the CSV a service loads the words of a measure's items from, checked against the
measure registry. The code ships item numbers only (the SDQ and RCADS wording may not be redistributed); a
service holding a licence loads the words it was given."""

import csv

from assessments.measures import MEASURES, Entry, MeasureSpec
from camhs_pbr.lib.csv_upload import FileRefused, header_and_lines
from camhs_pbr.lib.text import RefusedText, clean_text

HEADER = ("item", "text")
MAX_TEXT_LENGTH = 500
MAX_FILE_BYTES = 200_000


class WordingRefused(FileRefused):
    """A wording file that cannot be loaded: `problems` says each reason, with its line where it has one."""


def worded_measures() -> list[MeasureSpec]:
    """The measures whose items are shown as rows, so have wording to load."""
    return [spec for spec in MEASURES.values() if spec.entry is Entry.RADIO_TABLE]


def parse_wording(content: bytes, spec: MeasureSpec) -> dict[int, str]:
    """The text of every item of `spec` from a CSV file `item,text` (UTF-8); every item once, none empty.

    Raises WordingRefused listing every bad row with its line and reason, and every missing item."""
    header, reader = header_and_lines(
        content,
        max_bytes=MAX_FILE_BYTES,
        too_large=f"The file is larger than {MAX_FILE_BYTES // 1000} kB: it cannot be wording.",
        empty=f"The file is empty: expected the header {','.join(HEADER)}.",
        refused=WordingRefused,
    )
    if tuple(cell.strip().lower() for cell in header) != HEADER:
        raise WordingRefused([f"Line 1: the header must be {','.join(HEADER)} (found {','.join(header)})."])
    wording: dict[int, str] = {}
    first_line: dict[int, int] = {}
    problems: list[str] = []
    named: set[int | None] = set()
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(f"Line {reader.line_num}: {error}.")
            break
        line, start = reader.line_num, line + 1
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        problem = _row_problem(row, spec, first_line)
        item = _item_number(row[0])
        if problem:
            problems.append(f"Line {start}: {problem}")
            named.add(item)  # said wrong, not missing
            continue
        assert item is not None
        wording[item], first_line[item] = clean_text(row[1].strip()), start
    missing = [str(item) for item in spec.items if item not in first_line and item not in named]
    if missing:
        problems.append(f"No line gives item{'s' if len(missing) > 1 else ''} {', '.join(missing)}.")
    if problems:
        raise WordingRefused(problems)
    return wording


def _item_number(cell: str) -> int | None:
    cell = cell.strip()
    return int(cell) if cell.isascii() and cell.isdigit() else None


def _row_problem(row: list[str], spec: MeasureSpec, first_line: dict[int, int]) -> str | None:
    if len(row) != len(HEADER):
        return f"expected {len(HEADER)} cells ({','.join(HEADER)}), found {len(row)}."
    item, text = _item_number(row[0]), row[1].strip()
    if item is None:
        return f"the item {row[0].strip()!r} is not a whole number."
    if item not in spec.items:
        return f"{spec.label} has items {spec.items[0]} to {spec.items[-1]}: there is no item {item}."
    if item in first_line:
        return f"item {item} is given again (first on line {first_line[item]})."
    if not text:
        return f"the text of item {item} is empty."
    if len(text) > MAX_TEXT_LENGTH:
        return f"the text of item {item} is longer than {MAX_TEXT_LENGTH} characters."
    try:
        clean_text(text)
    except RefusedText as refused:
        return f"item {item}: {refused}"
    return None
