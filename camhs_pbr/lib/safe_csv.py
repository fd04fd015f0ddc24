"""CSV that is safe to open in a spreadsheet, written one line at a time (streamable).

SPEC §7: a text cell beginning with `=`, `+`, `-`, `@`, tab or carriage return is prefixed with a single
quote so that a spreadsheet never runs it as a formula; numbers stay numbers. Every CSV the product writes
goes through this module: downloads (reports, dashboard tables, the re-grouping movement table, the admin's
audit export) through `csv_lines` or `writer`, the batch commands' output files through `writer` and
`neutralise` (`camhs_pbr/lib/csv_batch.py`). tests/test_architecture.py checks that no other module calls
csv.writer or csv.DictWriter.
"""

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

Cell = str | int | float | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Cell) -> Cell:
    """A cell as written to a file: text that a spreadsheet would run as a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


class _Line:
    """A file-like object whose write returns what is written, for csv.writer to produce single lines."""

    def write(self, text: str) -> str:
        return text


def csv_lines(columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[str]:
    """The CSV file one line at a time (header first), e.g. for Django's StreamingHttpResponse."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield writer.writerow([neutralise(column) for column in columns])
    for row in rows:
        yield writer.writerow(["" if cell is None else neutralise(cell) for cell in row])


class SafeWriter:
    """csv.writer with every cell neutralised."""

    def __init__(self, file: Any, **options: Any) -> None:
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable[Cell]) -> Any:
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Cell]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(file: Any, **options: Any) -> SafeWriter:
    """A CSV writer onto `file` (csv.writer's options) whose cells are neutralised."""
    return SafeWriter(file, **options)
