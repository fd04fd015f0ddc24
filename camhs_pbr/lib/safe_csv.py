"""CSV that is safe to open in a spreadsheet, written one line at a time (streamable).

SPEC §7: a text cell beginning with `=`, `+`, `-`, `@`, tab or carriage return is prefixed with a single
quote so that a spreadsheet never runs it as a formula; numbers stay numbers. Every download of the site
(reports, dashboard tables, the re-grouping movement table) is written through `csv_lines`.
"""

import csv
from collections.abc import Iterable, Iterator, Sequence

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
