"""Every report page, as each role that may open it, reads as words and rounded figures (issue 29)."""

import re

import pytest

from accounts.models import Provider, Role
from camhs_pbr.lib.numbers import Kind
from reports import runs
from reports.headings import column_of as headings_of
from reports.kinds import KINDS
from reports.models import ReportRun
from reports.periods import Month
from tests import factories
from tests.reports.helpers import october_casemix, with_awkward_row

pytestmark = pytest.mark.django_db
OCTOBER = Month.of("2026-10")
CELL = re.compile(r"<t([hd])[^>]*>(.*?)</t[hd]>", re.S)
TAG = re.compile(r"<[^>]+>")
FLOAT_ARTEFACT = re.compile(r"\d+\.\d{3,}|\d\.0\b")
LONG_DECIMAL = re.compile(r"\d+\.\d{3,}")  # a mean is written to one place, so "5.0" is right there


def part(page: str, testid: str) -> str:
    """The element of the page with this data-testid, up to its closing table or paragraph."""
    start = page.index(f'data-testid="{testid}"')
    ends = [page.find(end, start) for end in ("</table>", "</p>")]
    return page[start : min(e for e in ends if e != -1)]


def cells(html: str, tag: str = "d") -> list[str]:
    return [TAG.sub("", text).strip() for kind, text in CELL.findall(html) if kind == tag]


def done_run(report: str, scope_kind: str, code: str) -> ReportRun:
    run = runs.prepare_run(report=report, month=OCTOBER, scope_kind=scope_kind, scope_code=code, by=None)
    return runs.execute_run(run.pk)


@pytest.fixture
def october(reference_data):
    world = october_casemix()
    provider = Provider.objects.get(code="RAA")
    for report, scope_kind, code in [
        ("casemix", "commissioner", "QAA"),
        ("outcomes", "commissioner", "QAA"),
        ("outcomes", "provider", "RAA"),
        ("cost", "provider", "RAA"),
        ("currency", "provider", "RAA"),
        ("teammix", "provider", "RAA"),
    ]:
        run = done_run(report, scope_kind, code)
        if report in ("cost", "currency"):
            with_awkward_row(run)
        if report == "currency":
            with_awkward_row(run, grouping="UNGROUPED")
    world["users"] = {
        Role.COMMISSIONER: factories.user(Role.COMMISSIONER, commissioner=world["commissioner"]),
        Role.SERVICE_MANAGER: factories.user(Role.SERVICE_MANAGER, provider=provider),
        Role.TEAM_MANAGER: factories.user(Role.TEAM_MANAGER, teams=tuple(provider.teams.all())),
    }
    return world


def pages_of(client, user):
    from reports.access import offers

    for offer in offers(user):
        url = f"/reports/{offer.kind.report}/{offer.scope.kind}/{offer.scope.code}/"
        yield offer.kind.report, client.get(url, {"period": "2026-10", "columns": "all"})


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.SERVICE_MANAGER, Role.TEAM_MANAGER])
def test_every_report_page_has_headings_in_words_and_no_float_artefacts(client, october, role):
    user = october["users"][role]
    client.force_login(user)
    opened = set()
    for report, page in pages_of(client, user):
        assert page.status_code == 200
        html = page.content.decode()
        table = html[
            html.index('data-testid="report-table"') : html.index("</table>", html.index("report-table"))
        ]
        headings = cells(table, "h")
        assert headings and not set(headings) & set(KINDS[report].columns), headings  # no machine name
        kinds = [headings_of(report, column).kind for column in KINDS[report].columns]
        body = table[table.index("<tbody>") :]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
            for cell, kind in zip(cells(row), kinds, strict=False):
                artefact = LONG_DECIMAL if kind == Kind.MEAN else FLOAT_ARTEFACT
                assert not artefact.search(cell), (report, cell)
        trend = part(html, "trend")
        assert not [cell for cell in cells(trend) if FLOAT_ARTEFACT.search(cell)], trend
        if 'data-testid="eta-squared"' in html:
            eta = part(html, "eta-squared")
            assert not FLOAT_ARTEFACT.search(TAG.sub("", eta)), eta
        for title in re.findall(r"<title>(.*?)</title>", html):
            assert not FLOAT_ARTEFACT.search(title), title
        assert 'href="/reports/dictionary/' in page.content.decode()
        opened.add(report)
    expected = (
        {"casemix", "outcomes"} if role == Role.COMMISSIONER else {"cost", "currency", "outcomes", "teammix"}
    )
    assert opened == expected


def test_the_cost_page_writes_money_counts_and_codes_for_people(client, october):
    client.force_login(october["users"][Role.SERVICE_MANAGER])
    page = client.get("/reports/cost/provider/RAA/", {"period": "2026-10", "columns": "all"}).content.decode()
    for written in (
        "£20,581",
        "-£256",
        "£1,715",
        "12,345",
        "5.3",
        "Cost per open episode (£)",
        "Open at month end",
    ):
        assert written in page
    currency = client.get(
        "/reports/currency/provider/RAA/", {"period": "2026-10", "columns": "all"}
    ).content.decode()
    assert "<strong>0.12</strong>" in currency and "0.31" in currency
    assert "UNGROUPED" not in currency and ">Not grouped</text>" in currency  # the chart's label


def test_the_casemix_page_shows_gender_and_ungrouped_by_their_meaning(client, october):
    client.force_login(october["users"][Role.COMMISSIONER])
    page = client.get(
        "/reports/casemix/commissioner/QAA/", {"period": "2026-10", "columns": "all"}
    ).content.decode()
    table = page[
        page.index('data-testid="report-table"') : page.index("</table>", page.index("report-table"))
    ]
    shown = set(cells(table))
    assert {"Female", "Male", "Not grouped", "GH03"} <= shown
    assert not {"UNGROUPED", "2"} & shown


def test_the_data_dictionary_lists_each_reports_csv_columns_with_their_words(client, october):
    client.force_login(october["users"][Role.COMMISSIONER])
    page = client.get("/reports/dictionary/")
    assert page.status_code == 200
    html = page.content.decode()
    for report, kind in KINDS.items():
        start = html.index(f'data-testid="dictionary-{report}"')
        listed = cells(html[start : html.index("</table>", start)])
        assert listed[0::4] == list(kind.columns)
    assert (
        "<td><code>cost_per_open_episode</code></td><td>Cost per open episode (£)</td><td>money</td>" in html
    )
    # The summary views' own columns, in words with their meaning.
    start = html.index('data-testid="dictionary-summaries"')
    summary = cells(html[start : html.index("</table>", start)])
    assert {"Change on last month (%)", "Same month last year", "Variance (%)"} <= set(summary[0::3])


def test_the_data_dictionary_is_for_people_who_may_open_reports(client, october):
    client.force_login(factories.user(Role.CLINICIAN))
    assert client.get("/reports/dictionary/").status_code in (302, 403)


def test_the_casemix_summary_names_each_provider_and_its_figures_in_words(client, october):
    client.force_login(october["users"][Role.COMMISSIONER])
    page = client.get("/reports/casemix/commissioner/QAA/", {"period": "2026-10"})
    tables = {table["name"]: table for table in page.context["summary_tables"]}
    by_provider = tables["by_provider"]
    provider = Provider.objects.get(code="RAA")
    assert [heading for heading, _ in by_provider["headings"]] == [
        "Provider",
        "Open at month end",
        "Referred in month",
        "Closed in month",
    ]
    assert by_provider["rows"][0][0][0] == f"{provider.name} (RAA)"
    headline = tables["headline"]
    assert [row[0][0] for row in headline["rows"]] == [
        "Open at month end",
        "Referred in month",
        "Closed in month",
    ]
