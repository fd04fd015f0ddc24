"""Every figure of a report page comes from the rows its user may see (issue 29): a team manager's trend,
row count, total and charts add up their own teams' rows only; a service manager's the whole provider's."""

import math

import pytest
from django.utils import timezone

from accounts.models import Role
from camhs_pbr.runs.models import RunStatus
from groupings.selectors import current_rules_version
from reports.kinds import kind_of
from reports.models import ReportRow, ReportRun
from reports.periods import Month
from tests import factories
from tests.reports.test_totals import outcome_rows
from tests.support.logins import log_in_with_second_factor

pytestmark = pytest.mark.django_db
OCTOBER = Month.of("2026-10")
SEPTEMBER = Month.of("2026-09")


def stored_run(report: str, scope_kind: str, code: str, month: Month, rows: list[dict]) -> ReportRun:
    """A finished run of `report` whose stored raw rows are `rows` (columns not given empty)."""
    columns = kind_of(report).columns
    run = ReportRun.objects.create(
        report=report,
        period=month.first,
        scope_kind=scope_kind,
        scope_code=code,
        rules_version=current_rules_version(),
        status=RunStatus.DONE,
        requested_at=timezone.now(),
        finished_at=timezone.now(),
        data_as_of=timezone.now(),
        rows=len(rows),
    )
    ReportRow.objects.bulk_create(
        ReportRow(run=run, position=n, values={c: _json(row.get(c)) for c in columns})
        for n, row in enumerate(rows)
    )
    return run


def _json(value: object) -> object:
    return None if isinstance(value, float) and math.isnan(value) else value


def cost_row(team: str, grouping: str, open_: int, attended: int, cost: float) -> dict:
    return {
        "period": "2026-10-01",
        "provider_code": "RHH",
        "team_code": team,
        "grouping": grouping,
        "open_at_month_end": open_,
        "contacts_attended": attended,
        "contacts_not_attended": 0,
        "contacts_cancelled": 0,
        "attended_hours": attended * 1.0,
        "cost": cost,
    }


@pytest.fixture
def world(reference_data):
    """Provider RHH with teams TA and TB; a team manager of TA, a service manager of RHH, an ICB user."""
    provider = factories.provider(code="RHH")
    team_a = factories.team(provider, code="TA")
    factories.team(provider, code="TB")
    icb = factories.commissioner(code="QHH")
    stored_run(
        "cost",
        "provider",
        "RHH",
        OCTOBER,
        [
            cost_row("TA", "GA01", 10, 20, 1500.0),
            cost_row("TB", "GA01", 30, 60, 4000.0),
            cost_row("TA", "GH03", 4, 6, 450.0),
        ],
    )
    stored_run(
        "cost",
        "provider",
        "RHH",
        SEPTEMBER,
        [cost_row("TA", "GA01", 9, 18, 1200.0), cost_row("TB", "GH03", 5, 9, 700.0)],
    )
    quality = {"cost_mean": 800.0, "eta_squared": 0.5}
    stored_run(
        "currency",
        "provider",
        "RHH",
        OCTOBER,
        [{"grouping": "GA01", "episodes": 12, **quality}, {"grouping": "GH03", "episodes": 5, **quality}],
    )
    stored_run("outcomes", "provider", "RHH", OCTOBER, outcome_rows().to_dict("records"))
    stored_run("outcomes", "commissioner", "QHH", OCTOBER, outcome_rows().to_dict("records"))
    casemix = [{"grouping": g, "open_at_month_end": n} for g, n in (("GA01", 3), ("GH03", 9), ("U", 0))]
    stored_run("casemix", "commissioner", "QHH", OCTOBER, casemix)
    return {
        "team manager": factories.user(Role.TEAM_MANAGER, teams=(team_a,)),
        "service manager": factories.user(Role.SERVICE_MANAGER, provider=provider),
        "commissioner": factories.user(Role.COMMISSIONER, commissioner=icb),
    }


TREND_COLUMN = {
    "casemix": "open_at_month_end",
    "cost": "cost",
    "currency": "episodes",
    "outcomes": "closed_episodes",
}
# (role, page) -> (rows shown, the total of the trend's column, the trend's September point), hand-worked.
EXPECTED = {
    # TA's rows only: 1500 + 450 in October, 1200 in September (not 1500 + 4000 + 450 and 1900).
    ("team manager", "/reports/cost/provider/RHH/"): (2, 1950.0, 1200.0),
    ("service manager", "/reports/cost/provider/RHH/"): (3, 5950.0, 1900.0),
    # The currency and outcome reports have no team column: a team manager sees the provider's rows.
    ("team manager", "/reports/currency/provider/RHH/"): (2, 17, None),
    ("service manager", "/reports/currency/provider/RHH/"): (2, 17, None),
    # Each closed episode once: 10 + 12 + 7 over four rows; a commissioner's 29 is published as 30.
    ("team manager", "/reports/outcomes/provider/RHH/"): (4, 29, None),
    ("service manager", "/reports/outcomes/provider/RHH/"): (4, 29, None),
    ("commissioner", "/reports/outcomes/commissioner/QHH/"): (4, 30, None),
    # 3 + 9 + 0 = 12, published as 10 (its rows as *, 10 and 0).
    ("commissioner", "/reports/casemix/commissioner/QHH/"): (3, 10, None),
}


@pytest.mark.parametrize(("role", "url"), list(EXPECTED), ids=[f"{r} {u}" for r, u in EXPECTED])
def test_the_row_count_total_and_trend_add_up_the_rows_the_user_sees(client, world, role, url):
    rows, total, september = EXPECTED[role, url]
    log_in_with_second_factor(client, world[role])
    page = client.get(url, {"period": "2026-10"})
    assert page.status_code == 200
    table, trend = page.context["table"], page.context["trend"]
    column = table.columns.index(TREND_COLUMN[url.split("/")[2]])
    assert len(table.rows) == rows
    assert f"{rows} rows" in page.content.decode()
    assert table.total[column] == total
    assert trend.points[-1].value == total  # the trend's figure is the page's total
    assert trend.points[-2].value == september
    # The chart draws the same figures.
    chart = page.context["trend_chart"][0]
    assert chart.spec is not None or "Only one month so far" in chart.message
    if chart.spec is not None:
        drawn = {row["month"]: row["value"] for row in chart.spec["data"]["values"]}
        assert drawn["2026-10-01"] == total


def test_a_team_managers_cost_download_holds_their_own_teams_rows_only(client, world):
    log_in_with_second_factor(client, world["team manager"])
    download = client.get("/reports/cost/provider/RHH/2026-10.csv")
    lines = b"".join(download.streaming_content).decode().splitlines()
    assert [line.split(",")[2] for line in lines[1:]] == ["TA", "TA"]


def test_the_spread_chart_draws_the_rows_the_user_sees(client, world):
    log_in_with_second_factor(client, world["team manager"])
    page = client.get("/reports/currency/provider/RHH/", {"period": "2026-10"})
    assert [label for label, _ in page.context["spread"].bars] == ["GA01", "GH03"]
    assert page.context["spread"].eta_squared == 0.5
