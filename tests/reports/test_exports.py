"""Report files: CSV line by line and XLSX, with formula-like text neutralised (SPEC §7)."""

import csv
import io
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from reports.exports import Cell, csv_lines, neutralise, plain_rows, write_csv, write_xlsx, xlsx_bytes

COLUMNS = ["grouping", "note", "cases", "mean"]
ROWS: list[list[Cell]] = [
    ["GA01", '=HYPERLINK("http://x")', 10, 2.5],
    ["GH03", "+1", "*", None],
    ["GH04", "-2+3", -5, -0.5],
    ["GH05", "@SUM(A1)", 0, 1.0],
    ["GH06", "\tTab", 15, 3.0],
    ["GH07", "\rReturn", 20, 4.0],
    ["GH08", "plain, with a comma", 25, 5.0],
]


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44", "'+44"),
        ("-3", "'-3"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("GH03", "GH03"),
        ("a=b", "a=b"),
        ("*", "*"),
        (-3, -3),
        (-0.5, -0.5),
        (None, None),
    ],
)
def test_text_a_spreadsheet_would_run_is_prefixed_and_numbers_stay_numbers(cell, written):
    assert neutralise(cell) == written


def test_the_csv_comes_one_line_at_a_time_with_formulas_neutralised():
    lines = list(csv_lines(COLUMNS, ROWS))
    assert len(lines) == 1 + len(ROWS) and all(line.endswith("\r\n") for line in lines)
    parsed = list(csv.reader(io.StringIO("".join(lines))))
    assert parsed[0] == COLUMNS
    assert [row[1] for row in parsed[1:]] == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2+3",
        "'@SUM(A1)",
        "'\tTab",
        "'\rReturn",
        "plain, with a comma",
    ]
    assert [row[2] for row in parsed[1:]] == ["10", "*", "-5", "0", "15", "20", "25"]
    assert parsed[2][3] == ""  # a missing value is an empty cell


def test_the_csv_file_is_written_whole(tmp_path):
    out = tmp_path / "report.csv"
    write_csv(out, COLUMNS, ROWS)
    assert out.read_bytes().decode("utf-8") == "".join(csv_lines(COLUMNS, ROWS))


def test_the_xlsx_keeps_numbers_as_numbers_and_neutralises_text(tmp_path):
    out = tmp_path / "report.xlsx"
    write_xlsx(out, COLUMNS, ROWS, title="Case-mix 2026-10")
    sheet = load_workbook(out).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert sheet.title == "Case-mix 2026-10"
    assert values[0] == COLUMNS
    assert values[1] == ["GA01", '\'=HYPERLINK("http://x")', 10, 2.5]
    assert values[3] == ["GH04", "'-2+3", -5, -0.5]
    assert [row[1] for row in values[4:6]] == ["'@SUM(A1)", "'\tTab"]
    assert values[6][1].startswith("'")  # XML reads the carriage return back as a line feed
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_same_rows_give_the_same_xlsx_bytes():
    written = xlsx_bytes(COLUMNS, ROWS)
    assert written == xlsx_bytes(COLUMNS, ROWS)
    archive = zipfile.ZipFile(io.BytesIO(written))
    assert {entry.date_time for entry in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode()
    assert core.count("2000-01-01T00:00:00Z") == 2  # created and modified, never the time of writing


def test_frame_rows_become_plain_python_values():
    frame = pd.DataFrame({"a": np.array([1, 2], dtype="int64"), "b": [1.5, np.nan], "c": ["x", None]})
    rows = plain_rows(frame)
    assert rows == [[1, 1.5, "x"], [2, None, None]]
    assert all(type(cell) in (int, float, str, type(None)) for row in rows for cell in row)
