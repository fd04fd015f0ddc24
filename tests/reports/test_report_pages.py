"""Report pages: who sees which report, disclosure for commissioners, the table, trend and downloads."""

import csv
import io

import pytest

from accounts.models import Provider, Role
from camhs_pbr.runs.models import RunStatus
from reports import runs
from reports.kinds import kind_of
from reports.models import ReportRow, ReportRun
from reports.periods import Month
from tests import factories
from tests.reports.helpers import october_casemix
from tests.support.logins import log_in_with_second_factor

pytestmark = pytest.mark.django_db
OCTOBER = Month.of("2026-10")
CASEMIX = "/reports/casemix/commissioner/QAA/"


@pytest.fixture
def october(reference_data):
    world = october_casemix()
    world["icb_user"] = factories.user(Role.COMMISSIONER, commissioner=world["commissioner"])
    return world


def done_run(report: str, scope_kind: str, code: str, month: Month = OCTOBER) -> ReportRun:
    run = runs.prepare_run(report=report, month=month, scope_kind=scope_kind, scope_code=code, by=None)
    return runs.execute_run(run.pk)


def test_a_commissioner_is_offered_their_icbs_casemix_and_outcomes_only(client, october):
    client.force_login(october["icb_user"])
    page = client.get("/reports/")
    assert page.status_code == 200
    offered = {(o.kind.report, o.scope.code) for o, _ in page.context["rows"]}
    assert offered == {("casemix", "QAA"), ("outcomes", "QAA")}


def test_a_commissioner_cannot_open_another_icbs_report_or_a_provider_report(client, october):
    client.force_login(october["icb_user"])
    assert client.get("/reports/casemix/commissioner/QZZ/").status_code == 403
    assert client.get("/reports/cost/provider/RAA/").status_code == 403
    assert client.get("/reports/casemix/commissioner/QZZ/2026-10.csv").status_code == 403


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.ADMINISTRATOR])
def test_clinicians_and_administrators_have_no_reports_page(client, october, role):
    log_in_with_second_factor(client, factories.user(role))
    assert client.get("/reports/").status_code == 403
    assert client.get(CASEMIX).status_code == 403


def test_the_casemix_page_shows_disclosed_figures_a_total_and_the_trend(client, october):
    done_run("casemix", "commissioner", "QAA")
    client.force_login(october["icb_user"])
    page = client.get(CASEMIX, {"period": "2026-10"})
    assert page.status_code == 200
    table = page.context["table"]
    figures = [cell for row in table.rows for cell in row[-3:]]
    assert set(figures) <= {0, "*"}  # every raw count of this small month is 0 or 1-7
    assert table.total[-3:] == ["*", "*", "*"]  # totals from raw values (4, 4, 2), then disclosed
    trend = page.context["trend"]
    assert [p.month.label() for p in trend.points][-1] == "2026-10" and trend.points[-1].value == "*"
    html = page.content.decode()
    # One month, its figure suppressed: said in words, not drawn; the table behind it is there.
    assert "every figure so far is suppressed (*)" in html and 'data-testid="trend"' in html


def test_the_downloaded_csv_is_the_disclosed_report_with_no_identifier(client, october):
    done_run("casemix", "commissioner", "QAA")
    client.force_login(october["icb_user"])
    response = client.get("/reports/casemix/commissioner/QAA/2026-10.csv")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('2026-10.csv"')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0:3] == ["period", "commissioner_code", "provider_code"]
    counts = {cell for row in rows[1:] for cell in row[-3:]}
    assert counts <= {"0", "*"}
    xlsx = client.get("/reports/casemix/commissioner/QAA/2026-10.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_a_download_before_the_run_has_finished_explains_itself(client, october):
    client.force_login(october["icb_user"])
    response = client.get("/reports/casemix/commissioner/QAA/2026-10.csv", follow=True)
    assert "no finished casemix report for 2026-10" in response.content.decode()


def test_running_a_month_from_the_page_queues_the_run_and_the_page_follows_it(client, october):
    client.force_login(october["icb_user"])
    response = client.post(CASEMIX, {"period": "2026-10"}, follow=True)
    run = ReportRun.objects.get(report="casemix", scope_code="QAA", period=OCTOBER.first)
    assert (run.status, run.requested_by) == (RunStatus.QUEUED, october["icb_user"])
    assert '<meta http-equiv="refresh"' in response.content.decode()
    runs.execute_run(run.pk)  # what the worker does once the request has committed
    page = client.get(CASEMIX, {"period": "2026-10"}).content.decode()
    assert '<meta http-equiv="refresh"' not in page and 'data-testid="summaries"' in page


def test_a_month_that_is_not_a_month_is_refused_with_a_message(client, october):
    client.force_login(october["icb_user"])
    response = client.post(CASEMIX, {"period": "2026-13"}, follow=True)
    assert "YYYY-MM" in response.content.decode()
    assert not ReportRun.objects.exists()


def test_managers_see_their_providers_cost_report_unrounded_and_a_team_manager_only_their_teams(
    client, october
):
    provider = Provider.objects.get(code="RAA")
    team_a = provider.teams.get()
    other_team = factories.team(provider)
    done_run("cost", "provider", "RAA")
    service_manager = factories.user(Role.SERVICE_MANAGER, provider=provider)
    client.force_login(service_manager)
    page = client.get("/reports/cost/provider/RAA/", {"period": "2026-10"})
    assert page.status_code == 200
    rows = page.context["table"].rows
    assert rows and all(isinstance(row[6], int) for row in rows)  # open episodes unrounded
    team_manager = factories.user(Role.TEAM_MANAGER, teams=(other_team,))
    client.force_login(team_manager)
    page = client.get("/reports/cost/provider/RAA/", {"period": "2026-10"})
    assert page.status_code == 200
    assert all(row[2] == other_team.code for row in page.context["table"].rows)
    assert team_a.code != other_team.code
    assert client.get("/reports/casemix/commissioner/QAA/").status_code == 403


def test_the_currency_quality_page_charts_mean_cost_by_grouping_with_eta_squared(client, october):
    run = done_run("currency", "provider", "RAA")
    ReportRow.objects.filter(run=run).delete()
    columns = kind_of("currency").columns
    rows = [
        {"grouping": "GA01", "episodes": 12, "cost_mean": 100.0, "eta_squared": 0.75},
        {"grouping": "GH04", "episodes": 9, "cost_mean": 300.0, "eta_squared": 0.75},
    ]
    for n, row in enumerate(rows):
        ReportRow.objects.create(run=run, position=n, values=[row.get(column) for column in columns])
    client.force_login(factories.user(Role.SERVICE_MANAGER, provider=Provider.objects.get(code="RAA")))
    page = client.get("/reports/currency/provider/RAA/", {"period": "2026-10"})
    spread = page.context["spread"]
    assert spread.eta_squared == 0.75
    assert spread.bars == [("GA01", 100.0), ("GH04", 300.0)]
    html = page.content.decode()
    assert "<strong>0.75</strong>" in html
    # Drawn on the server: an inline SVG image with its words, no script in it, and its table one click away.
    figure = html[
        html.index('data-testid="chart-spread-currency"') : html.index(
            "</figure>", html.index("chart-spread")
        )
    ]
    svg = figure[figure.index("<svg") : figure.index("</svg>")]
    assert 'role="img"' in svg and "<script" not in svg.lower()
    assert 'aria-label="Mean cost per closed episode by grouping, Currency quality' in svg
    assert "highest GH04 at £300" in svg
    assert ">Mean cost per closed episode (£)</text>" in svg  # the axis title with its unit
    # The page opens on the summary, so the link opens the full table (all columns) at the table.
    assert 'href="?period=2026-10&amp;columns=all#report-table"' in figure
    all_columns = client.get(
        "/reports/currency/provider/RAA/", {"period": "2026-10", "columns": "all"}
    ).content
    assert b'href="#report-table"' in all_columns and b'id="report-table"' in all_columns


def test_one_registry_entry_is_all_a_report_needs_its_label_choice_and_trend_come_from_it():
    from reports.kinds import KINDS, ReportKind, register
    from reports.models import ReportRun
    from reports.trends import Trend

    field = ReportRun._meta.get_field("report")
    assert [(value, kind.label) for value, kind in sorted(KINDS.items())] == list(field.choices or ())
    try:
        extra = register(
            ReportKind(
                report="extra",
                label="An extra report",
                columns=KINDS["casemix"].columns,
                compute=KINDS["casemix"].compute,
                scope_kinds=KINDS["casemix"].scope_kinds,
                disclosure=KINDS["casemix"].disclosure,
                totals=KINDS["casemix"].totals,
                trend=Trend("Open", "open_at_month_end"),
            )
        )
        assert ("extra", "An extra report") in list(field.choices or ())
        assert extra.trend.label == "Open"
    finally:
        from reports.models import REPORT_LABELS

        KINDS.pop("extra", None)
        REPORT_LABELS.pop("extra", None)


def test_a_report_page_names_its_month_in_words(client, october):
    done_run("currency", "provider", "RAA")
    client.force_login(factories.user(Role.SERVICE_MANAGER, provider=Provider.objects.get(code="RAA")))
    page = client.get("/reports/currency/provider/RAA/", {"period": "2026-10"}).content.decode()
    heading = page[page.index("<h1") : page.index("</h1>")]
    assert "October 2026" in heading and "2026-10" not in heading
    assert "Re-run October 2026</button>" in page
    assert 'value="2026-10"' in page  # the month field keeps the form's own format
