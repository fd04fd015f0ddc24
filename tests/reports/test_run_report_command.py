"""`manage.py run_report`: the task's code path run now, written to a file with disclosure control."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from reports.casemix import COLUMNS
from reports.models import ReportRow, ReportRun
from tests.reports.helpers import october_casemix

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(reference_data):
    return october_casemix()


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("run_report", *args, stdout=out)
    return out.getvalue()


def test_a_commissioners_casemix_file_has_every_count_disclosed(october, tmp_path):
    out = tmp_path / "casemix.csv"
    assert "6 rows written" in run(
        "casemix", "--period", "2026-10", "--commissioner", "QAA", "--out", str(out)
    )
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode())))
    assert rows[0] == list(COLUMNS)
    assert [row[8:] for row in rows[1:]] == [
        ["0", "*", "0"],
        ["*", "0", "0"],
        ["0", "*", "*"],
        ["*", "0", "0"],
        ["0", "*", "0"],
        ["0", "0", "*"],
    ]
    assert ReportRow.objects.filter(table="").count() == 6  # stored raw


def test_a_month_without_cases_writes_the_header_alone(october, tmp_path):
    out = tmp_path / "empty.csv"
    assert "0 rows written" in run(
        "casemix", "--period", "2020-01", "--commissioner", "QAA", "--out", str(out)
    )
    assert out.read_bytes().decode() == ",".join(COLUMNS) + "\r\n"


def test_the_same_command_on_the_same_data_writes_the_same_bytes(october, tmp_path):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    run("casemix", "--period", "2026-10", "--commissioner", "QAA", "--out", str(first))
    run("casemix", "--period", "2026-10", "--commissioner", "QAA", "--out", str(second))
    assert first.read_bytes() == second.read_bytes()
    assert ReportRun.objects.count() == 1 and ReportRow.objects.filter(table="").count() == 6


def test_the_xlsx_file_holds_the_same_cells_each_time(october, tmp_path):
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    run("casemix", "--period", "2026-10", "--commissioner", "QAA", "--out", str(first))
    run("casemix", "--period", "2026-10", "--commissioner", "QAA", "--out", str(second))
    cells = [list(load_workbook(path).active.iter_rows(values_only=True)) for path in (first, second)]
    assert cells[0] == cells[1]
    assert cells[0][0][:2] == ("Report", "Case-mix")
    assert cells[0][6][-3:] == ("Open at month end", "Referred in month", "Closed in month")
    assert cells[0][7][8:] == (0, "*", 0)
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-13", "--commissioner", "QAA", "--out", "x.csv"], "YYYY-MM"),
        (
            ["--period", "2026-10", "--commissioner", "NOPE", "--out", "x.csv"],
            "No commissioner has the code 'NOPE'",
        ),
        (
            ["--period", "2026-10", "--provider", "RAA", "--out", "x.csv"],
            "run for a commissioner, not a provider",
        ),
        (["--period", "2026-10", "--commissioner", "QAA", "--out", "x.pdf"], r"\.csv or \.xlsx"),
    ],
)
def test_a_bad_request_is_refused_with_a_clear_message(october, tmp_path, args, message):
    args = [a if a not in ("x.csv", "x.pdf") else str(tmp_path / a) for a in args]
    with pytest.raises(CommandError, match=message):
        run("casemix", *args)
    assert not list(tmp_path.iterdir())


def test_an_unknown_report_is_refused(october, tmp_path):
    with pytest.raises(CommandError, match="No report 'census'"):
        run("census", "--period", "2026-10", "--commissioner", "QAA", "--out", str(tmp_path / "x.csv"))
