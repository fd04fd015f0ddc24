"""Both batch commands write byte for byte what they wrote before the shared CSV batch framework.

The digests were recorded by running the row-by-row commands on these generated 100,000-row inputs.

Issue 18 changed two of them on purpose. The SDQ input gained the informant and impact supplement columns
(and its notes column, once named "informant", is now "note"); the output gained externalising,
internalising and impact. The HoNOSCA input gained i14 and i15; the output's "total" (then scales 1-13) is now
"section_a_total" beside the total of all 15 scales. Checked before re-recording them, row by row against the
outputs of the commit before: every SDQ score column of before is unchanged on every row except the 497 rows
the added columns make error rows (a bad informant or impact cell, or an area the informant's version has
not); every HoNOSCA "total" of before is the "section_a_total" of now; RCADS is byte-identical.

Issue 30 neutralised every cell a spreadsheet would run as a formula (a leading quote, as `safe_csv` does):
the digests are of the output with those quotes taken off again, and no cell may still start like a formula.
"""

import csv
import hashlib
import io
import itertools

import pytest
from django.core.management import call_command

from camhs_pbr.lib.safe_csv import FORMULA_STARTS
from tests.support.batch_inputs import write_current_view_csv, write_measure_csv

pytestmark = pytest.mark.django_db
ROWS = 100_000


def as_before_neutralising(path) -> list[list[str]]:
    """The file's rows with the quote safe_csv put before formula-like cells taken off, after checking that
    no cell a spreadsheet would run is left."""
    with open(path, encoding="utf-8", newline="") as infile:
        text = infile.read()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    # Every cell follows a separator that is in no cell, so a cell starts with `start` exactly where the
    # separator is followed by `start`: one search of the joined cells instead of a call per cell.
    separator = next(char for char in map(chr, itertools.count()) if char not in text)
    lines = list(map(separator.join, rows))
    cells = separator + separator.join(lines)
    assert not any(separator + start in cells for start in FORMULA_STARTS), [
        cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)
    ]
    neutralised = tuple("'" + start for start in FORMULA_STARTS)
    # Only a row with a quote in one of its cells can have a neutralised cell.
    return [
        [cell[1:] if cell.startswith(neutralised) else cell for cell in row] if "'" in line else row
        for row, line in zip(rows, lines, strict=True)
    ]


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def digest(rows: list[list[str]]) -> str:
    return hashlib.sha256(csv_bytes(rows)).hexdigest()


def without_column(rows: list[list[str]], name: str) -> list[list[str]]:
    """The rows with one column left out."""
    drop = rows[0].index(name)
    return [row[:drop] + row[drop + 1 :] for row in rows]


def test_the_batch_grouper_output_is_unchanged(tmp_path, reference_data):
    write_current_view_csv(tmp_path / "in.csv", ROWS)
    stdout = io.StringIO()
    call_command("group_current_views", str(tmp_path / "in.csv"), str(tmp_path / "out.csv"), stdout=stdout)
    assert stdout.getvalue().startswith(f"{ROWS} rows, 9557 error rows, ")
    # Issue 18 added the add_on_grouping column (always present, blank under v1): without it, the output is
    # byte for byte the one recorded before; with it, the new digest.
    rows = as_before_neutralising(tmp_path / "out.csv")
    assert (
        digest(without_column(rows, "add_on_grouping"))
        == "2d0a13b508cc9752000a0462b95a0ecd2619d95b149562f92e218ee0258e9fe2"
    )
    assert digest(rows) == "c0f6ab0e28e8a1bb41b8b2995a33046c45a05965dc8bce4892b9e6e5ed39e595"


@pytest.mark.parametrize(
    ("measure", "summary", "expected"),
    [
        (
            "sdq",
            "100196 rows, 5694 error rows",
            "474b5e441e982b0c90792573c2a54973cf332197e9c1fc2bd57df1e7b9101544",
        ),
        (
            "rcads",
            "100186 rows, 9157 error rows",
            "1ba5034c201ad5c99cec57d9ab420d60dfd15d09b35e2fa29f1b0689cc7b632c",
        ),
        (
            "honosca",
            "100199 rows, 3007 error rows",
            "43c68e1b04697b448895cf434d2ee503ceb431d9caebf826ca826f8e05b0ef8a",
        ),
    ],
)
def test_the_batch_scorer_output_is_unchanged(tmp_path, reference_data, measure, summary, expected):
    write_measure_csv(measure, tmp_path / "in.csv", ROWS)
    stdout = io.StringIO()
    call_command("score_measure", measure, str(tmp_path / "in.csv"), str(tmp_path / "out.csv"), stdout=stdout)
    assert stdout.getvalue() == f"{measure}: {summary}; wrote {(tmp_path / 'out.csv').resolve()}\n"
    assert digest(as_before_neutralising(tmp_path / "out.csv")) == expected
