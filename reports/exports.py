"""Report files: CSV written line by line (streamable) and XLSX, both safe to open in a spreadsheet.

SPEC §7: a text cell beginning with `=`, `+`, `-`, `@`, tab or carriage return is prefixed with a single
quote so that a spreadsheet never runs it as a formula; numbers stay numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from camhs_pbr.lib.files import replaced_on_success, write_bytes_atomically
from camhs_pbr.lib.numbers import XLSX_FORMATS, Kind
from camhs_pbr.lib.safe_csv import Cell, csv_lines, neutralise

# pandas (and the pyarrow it loads) and openpyxl are imported where a file is written: every process loads
# this module.
if TYPE_CHECKING:
    import pandas as pd
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["Cell", "Layout", "csv_lines", "neutralise", "plain_rows", "write_csv", "write_xlsx", "xlsx_bytes"]

# Fixed so that the same rows always give the same bytes: document dates and zip entry times.
FIXED_TIME = dt.datetime(2000, 1, 1)


def plain_rows(frame: pd.DataFrame) -> list[list[Cell]]:
    """The frame's rows as plain values for JSON and files: numpy numbers as Python ones, missing as None."""
    import pandas as pd

    rows = frame.itertuples(index=False, name=None)
    return [[_plain_cell(value, pd.NA, pd.NaT) for value in row] for row in rows]


def _plain_cell(value: object, na: object, nat: object) -> Cell:
    if value is None or value is na or value is nat:
        return None
    if isinstance(value, bool | np.bool_):
        return int(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating | Decimal):
        number = float(value)
        return None if math.isnan(number) else number
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv(out_path: Path, columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> None:
    """Write the CSV file, replacing `out_path` only once it is complete."""
    with replaced_on_success(out_path) as outfile:
        outfile.writelines(csv_lines(columns, rows))


@dataclass(frozen=True)
class Layout:
    """What makes a report's XLSX readable besides its rows: a title block above the table, headings in
    words, a number format per column, a total row and a Definitions sheet."""

    title_block: Sequence[tuple[str, str]] = ()
    headings: Sequence[str] | None = None  # the column names when None
    kinds: Sequence[Kind] | None = None  # how each column's numbers read; TEXT when None
    total: Sequence[Cell] | None = None
    definitions: Sequence[Sequence[str]] = ()  # rows under DEFINITION_HEADINGS
    charts: Sequence[tuple[str, bytes]] = ()  # (what it shows, PNG image) on a Charts sheet


DEFINITION_HEADINGS = ("CSV column", "Heading", "Kind", "Meaning")


def xlsx_bytes(
    columns: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    title: str = "Report",
    layout: Layout | None = None,
) -> bytes:
    """The XLSX workbook (header first, below the layout's title block if any), identical bytes for
    identical rows: numbers stay numbers in their kind's number format, `*` stays text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.xml.functions import tostring

    layout = layout or Layout()
    kinds = list(layout.kinds or [Kind.TEXT] * len(columns))
    workbook = Workbook()
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    workbook.properties.creator = "camhs-pbr"
    sheet = workbook.active
    sheet.title = title[:31]
    bold = Font(bold=True)
    at = 0
    for label, value in layout.title_block:
        sheet.append([label, neutralise(value)])
        at += 1
        sheet.cell(at, 1).font = bold
    if layout.title_block:
        sheet.append([])
        at += 1
    heading_row = at + 1
    headings = list(layout.headings or columns)
    sheet.append([neutralise(heading) for heading in headings])
    at += 1
    for n, heading in enumerate(headings, start=1):
        sheet.cell(at, n).font = bold
        sheet.column_dimensions[get_column_letter(n)].width = max(10, min(40, len(heading) + 2))
    for row in rows:
        _append_figures(sheet, row, kinds)
        at += 1
    last_row = at
    if layout.total is not None:
        _append_figures(sheet, layout.total, kinds)
        at += 1
        for n in range(1, len(columns) + 1):
            sheet.cell(at, n).font = bold
    if layout.title_block or layout.total is not None:
        sheet.freeze_panes = f"A{heading_row + 1}"
        sheet.auto_filter.ref = f"A{heading_row}:{get_column_letter(max(len(columns), 1))}{last_row}"
    if layout.charts:
        _add_charts(workbook.create_sheet("Charts"), layout.charts)
    if layout.definitions:
        definitions = workbook.create_sheet("Definitions")
        definitions.append(list(DEFINITION_HEADINGS))
        for n, width in enumerate((24, 32, 10, 90), start=1):
            definitions.cell(1, n).font = bold
            definitions.column_dimensions[get_column_letter(n)].width = width
        for definition in layout.definitions:
            definitions.append([neutralise(text) for text in definition])
        definitions.freeze_panes = "A2"
    written = io.BytesIO()
    workbook.save(written)  # sets the modified date to now: the rewrite puts FIXED_TIME back
    workbook.properties.modified = FIXED_TIME
    return _fixed(written.getvalue(), core_properties=tostring(workbook.properties.to_tree()))


CHART_ROWS_PER_INCH = 5  # rows of the default height (15 points) per inch of image


def _add_charts(sheet: Worksheet, charts: Sequence[tuple[str, bytes]]) -> None:
    """Each chart's words above its PNG image, one below the other."""
    from openpyxl.drawing.image import Image

    at = 1
    for summary, png in charts:
        sheet.cell(at, 1, neutralise(summary))
        image = Image(io.BytesIO(png))
        image.width, image.height = image.width / 2, image.height / 2  # drawn at twice the pixels per point
        sheet.add_image(image, f"A{at + 1}")
        at += 3 + int(image.height / 20)


def _append_figures(sheet: Worksheet, row: Sequence[Cell], kinds: Sequence[Kind]) -> None:
    """Append one row, each number in its column's format (text such as `*` stays text)."""
    sheet.append([neutralise(cell) for cell in row])
    for cell, kind in zip(sheet[sheet.max_row], kinds, strict=False):
        number_format = XLSX_FORMATS.get(kind)
        if number_format and isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
            cell.number_format = number_format


def write_xlsx(
    out_path: Path,
    columns: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    title: str = "Report",
    layout: Layout | None = None,
) -> None:
    """Write the XLSX file, replacing `out_path` only once it is complete."""
    write_bytes_atomically(out_path, xlsx_bytes(columns, rows, title=title, layout=layout))


def _fixed(archive: bytes, core_properties: bytes) -> bytes:
    """The archive with fixed document properties and entry times."""
    from openpyxl.xml.constants import ARC_CORE

    rewritten = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(archive)) as source,
        zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            content = core_properties if entry.filename == ARC_CORE else source.read(entry.filename)
            target.writestr(fixed, content)
    return rewritten.getvalue()
