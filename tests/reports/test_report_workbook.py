"""The downloaded XLSX reads like the page: title block, headings in words, formats, total, definitions."""

import io
import zipfile

import pytest
from openpyxl import load_workbook

from accounts.models import Provider, Role
from camhs_pbr.lib.numbers import XLSX_FORMATS, Kind
from reports import runs
from reports.kinds import kind_of
from reports.models import ReportRow
from reports.periods import Month
from tests import factories
from tests.reports.helpers import october_casemix, with_awkward_row

pytestmark = pytest.mark.django_db
OCTOBER = Month.of("2026-10")


@pytest.fixture
def cost_run(reference_data):
    october_casemix()
    run = runs.prepare_run(report="cost", month=OCTOBER, scope_kind="provider", scope_code="RAA", by=None)
    run = runs.execute_run(run.pk)
    with_awkward_row(run)
    return run


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content


def test_the_cost_xlsx_has_a_title_block_frozen_headings_formats_a_total_and_definitions(client, cost_run):
    client.force_login(factories.user(Role.SERVICE_MANAGER, provider=Provider.objects.get(code="RAA")))
    content = download(client, "/reports/cost/provider/RAA/2026-10.xlsx")
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    title = {row[0]: row[1] for row in sheet.iter_rows(min_row=1, max_row=5, values_only=True)}
    assert title["Report"] == "Cost by team and grouping"
    assert title["Scope"].endswith("(RAA)")
    assert title["Period"] == "2026-10"
    assert title["Rules version"] == cost_run.rules_version.label
    assert title["Data as of"]
    headings = [cell.value for cell in sheet[7]]
    assert headings[:3] == ["Month", "Provider code", "Team code"]
    assert "Cost per open episode (£)" in headings and "cost_per_open_episode" not in headings
    assert sheet.freeze_panes == "A8"
    rows = list(sheet.iter_rows(min_row=8))
    data, total = rows[:-1], rows[-1]
    assert sheet.auto_filter.ref == f"A7:O{7 + len(data)}"
    cost = headings.index("Cost (£)")
    awkward = data[-1]
    assert awkward[cost].value == 20581 and isinstance(awkward[cost].value, int | float)
    assert awkward[cost].number_format == XLSX_FORMATS[Kind.MONEY]
    assert awkward[headings.index("Open at month end")].number_format == XLSX_FORMATS[Kind.COUNT]
    assert awkward[headings.index("Grouping code")].value == "GH03"
    assert total[0].value == "Total" and total[0].font.bold
    open_total = total[headings.index("Open at month end")].value
    assert isinstance(open_total, int) and open_total >= 12345
    definitions = book["Definitions"]
    listed = list(definitions.iter_rows(values_only=True))
    assert listed[0] == ("CSV column", "Heading", "Kind", "Meaning")
    assert [row[0] for row in listed[1:]] == list(kind_of("cost").columns)
    assert ("cost", "Cost (£)", "money") == listed[1:][kind_of("cost").columns.index("cost")][:3]
    assert content == download(client, "/reports/cost/provider/RAA/2026-10.xlsx")  # same rows, same bytes


def test_a_commissioners_xlsx_keeps_suppressed_figures_as_stars_and_codes_as_meanings(client, reference_data):
    world = october_casemix()
    run = runs.prepare_run(
        report="casemix", month=OCTOBER, scope_kind="commissioner", scope_code="QAA", by=None
    )
    runs.execute_run(run.pk)
    client.force_login(factories.user(Role.COMMISSIONER, commissioner=world["commissioner"]))
    sheet = load_workbook(
        io.BytesIO(download(client, "/reports/casemix/commissioner/QAA/2026-10.xlsx"))
    ).active
    values = list(sheet.iter_rows(min_row=8, values_only=True))
    headings = [cell.value for cell in sheet[7]]
    assert values[-1][0] == "Total" and values[-1][-3:] == ("*", "*", "*")
    genders = {row[headings.index("Gender")] for row in values[:-1]}
    assert "Female" in genders and "2" not in genders
    assert "Not grouped" in {row[headings.index("Grouping code")] for row in values[:-1]}


def test_the_xlsx_holds_the_pages_chart_as_an_image_with_its_words(client, reference_data):
    october_casemix()
    run = runs.prepare_run(report="currency", month=OCTOBER, scope_kind="provider", scope_code="RAA", by=None)
    run = runs.execute_run(run.pk)
    ReportRow.objects.filter(run=run).delete()
    columns = kind_of("currency").columns
    for n, row in enumerate(
        [
            {"grouping": "GA01", "episodes": 12, "cost_mean": 100.0},
            {"grouping": "GH04", "episodes": 9, "cost_mean": 300.0},
        ]
    ):
        ReportRow.objects.create(run=run, position=n, values=[row.get(column) for column in columns])
    client.force_login(factories.user(Role.SERVICE_MANAGER, provider=Provider.objects.get(code="RAA")))
    content = download(client, "/reports/currency/provider/RAA/2026-10.xlsx")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        images = [name for name in archive.namelist() if name.startswith("xl/media/")]
        assert len(images) == 1 and archive.read(images[0]).startswith(b"\x89PNG")
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Currency quality", "Charts", "Definitions"]
    charts = book["Charts"]
    assert charts["A1"].value.startswith("Mean cost per closed episode by grouping, Currency quality")
    assert len(charts._images) == 1
    assert content == download(client, "/reports/currency/provider/RAA/2026-10.xlsx")  # same bytes again
