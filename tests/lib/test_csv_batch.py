"""The CSV batch framework writes what csv.reader and safe_csv's writer would (csv.writer with formula-like
cells neutralised), whatever the input's shape."""

import csv
import io
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from camhs_pbr.lib import safe_csv
from camhs_pbr.lib.csv_batch import BatchInputError, CsvBatch, Decoded, run_batch


class CellLengths(CsvBatch):
    """Adds the length of the second column's cell; a cell "bad" is an error."""

    result_columns = ("length", "error")
    empty_message = "empty"

    def __init__(self, skip_blank_lines: bool) -> None:
        self.skip_blank_lines = skip_blank_lines

    def needed_columns(self, header: list[str]) -> list[int]:
        if len(header) < 2:
            raise BatchInputError("two columns at least")
        return [1]

    def misshapen(self, cells: int, width: int) -> str:
        return f"{cells} of {width}"

    def decode(self, columns: list[pa.Array]) -> Decoded:
        cells = columns[0].to_pylist()
        errors = {n: [f"{cell!r}, no"] for n, cell in enumerate(cells) if cell == "bad"}
        return Decoded(np.array([len(cell) for cell in cells], dtype=np.int64), errors)

    def compute(self, codes: np.ndarray) -> list[Sequence[str]]:
        return [[f"{n}" if n != 3 else "a,b" for n in codes.tolist()]]


def expected(text: str, skip_blank_lines: bool) -> str:
    out = io.StringIO()
    writer = safe_csv.writer(out)
    records = csv.reader(io.StringIO(text, newline=""))
    header = next(records)
    writer.writerow([*header, "length", "error"])
    for cells in records:
        if skip_blank_lines and not cells:
            continue
        if len(cells) != len(header):
            writer.writerow(
                [*(cells + [""] * len(header))[: len(header)], "", f"{len(cells)} of {len(header)}"]
            )
        elif cells[1] == "bad":
            writer.writerow([*cells, "", f"{cells[1]!r}, no"])
        else:
            length = len(cells[1])
            writer.writerow([*cells, str(length) if length != 3 else "a,b", ""])
    return out.getvalue()


def batch_output(text: str, skip_blank_lines: bool, chunk_rows: int) -> str:
    out = io.StringIO()
    run_batch(CellLengths(skip_blank_lines), io.StringIO(text, newline=""), out, chunk_rows)
    return out.getvalue()


cells = st.sampled_from(
    [
        "",
        "a",
        "bad",
        "abc",
        "a b",
        "x,y",
        'say "hi"',
        "two\r\nlines",
        "é",
        " ",
        "=1+2",
        "-3",
        "@A1",
        "\tt",
        "+4",
    ]
)
lines = st.lists(
    st.one_of(
        st.lists(cells, min_size=3, max_size=3).map(lambda row: ",".join(f'"{c}"' if c else c for c in row)),
        st.lists(st.sampled_from(["", "a", "bad", "abc", " ", "é"]), min_size=1, max_size=5).map(",".join),
    ),
    max_size=30,
)


@given(lines, st.sampled_from(["\r\n", "\n", "\r"]), st.booleans(), st.integers(1, 7))
@settings(max_examples=300, deadline=None)
def test_the_output_is_what_the_csv_module_writes(rows, ending, skip_blank_lines, chunk_rows):
    text = ending.join(["h1,h2,h3", *rows])
    assert batch_output(text, skip_blank_lines, chunk_rows) == expected(text, skip_blank_lines)


def test_a_field_longer_than_the_csv_limit_is_refused_naming_its_line():
    text = "h1,h2\r\na,b\r\n" + "a," + "x" * (csv.field_size_limit() + 1) + "\r\n"
    with pytest.raises(BatchInputError, match="line 3 is not valid CSV"):
        batch_output(text, True, 1)


def test_an_empty_input_and_a_refused_header_write_nothing():
    for text, message in [("", "empty"), ("h1\r\n", "two columns")]:
        out = io.StringIO()
        with pytest.raises(BatchInputError, match=message):
            run_batch(CellLengths(True), io.StringIO(text), out, 10)
        assert out.getvalue() == ""
