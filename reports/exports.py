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
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from camhs_pbr.lib.files import replaced_on_success, write_bytes_atomically
from camhs_pbr.lib.safe_csv import Cell, csv_lines, neutralise

# pandas (and the pyarrow it loads) and openpyxl are imported where a file is written: every process loads
# this module.
if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Cell", "csv_lines", "neutralise", "plain_rows", "write_csv", "write_xlsx", "xlsx_bytes"]

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


def xlsx_bytes(columns: Sequence[str], rows: Iterable[Sequence[Cell]], *, title: str = "Report") -> bytes:
    """The XLSX workbook of one sheet (header first), identical bytes for identical rows."""
    from openpyxl import Workbook
    from openpyxl.xml.functions import tostring

    workbook = Workbook(write_only=True)
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    workbook.properties.creator = "camhs-pbr"
    sheet = workbook.create_sheet(title[:31])
    sheet.append([neutralise(column) for column in columns])
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
    written = io.BytesIO()
    workbook.save(written)  # sets the modified date to now: the rewrite puts FIXED_TIME back
    workbook.properties.modified = FIXED_TIME
    return _fixed(written.getvalue(), core_properties=tostring(workbook.properties.to_tree()))


def write_xlsx(
    out_path: Path, columns: Sequence[str], rows: Iterable[Sequence[Cell]], *, title: str = "Report"
) -> None:
    """Write the XLSX file, replacing `out_path` only once it is complete."""
    write_bytes_atomically(out_path, xlsx_bytes(columns, rows, title=title))


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
