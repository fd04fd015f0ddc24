"""Every figure of a report page comes from the rows its user may see (issue 29): a team manager's trend,
row count, total and charts add up their own teams' rows only; a service manager's the whole provider's."""

import math

import pytest
from django.utils import timezone

from accounts.models import Role
from camhs_pbr.runs.models import RunStatus
from groupings.selectors import current_rules_version
from reports.kinds import kind_of
from reports.models import HEADLINE, ReportRow, ReportRun
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


# (role, page) -> the summary's rows as (first column, its figures), hand-worked from the world's rows.
SUMMARY_ROWS = {
    # TA alone: (1500 + 450) / (10 + 4) = 139.29 per open episode, against the mean of the teams shown (TA's).
    ("team manager", "/reports/cost/provider/RHH/"): [["TA", 14, 1950.0, 139.29, 139.29, 0.0, 0.0]],
    # The provider's mean: 5950 / 44 = 135.23; TB 4000 / 30 = 133.33.
    ("service manager", "/reports/cost/provider/RHH/"): [
        ["TA", 14, 1950.0, 139.29, 135.23, 4.06, 3.0],
        ["TB", 30, 4000.0, 133.33, 135.23, -1.9, -1.4],
    ],
}


GROUPING_ROWS = {
    "team manager": [["GA01", 10], ["GH03", 4]],
    "service manager": [["GA01", 40], ["GH03", 4]],
}


@pytest.mark.parametrize(("role", "url"), list(SUMMARY_ROWS), ids=[f"{r} {u}" for r, u in SUMMARY_ROWS])
def test_a_managers_summary_comes_from_the_rows_they_may_see_unrounded(client, world, role, url):
    log_in_with_second_factor(client, world[role])
    page = client.get(url, {"period": "2026-10"})
    table, by_grouping = page.context["summary_tables"]
    figures = [[row[0][0], *(cell for cell, _ in row[2:])] for row in table["rows"]]
    written = {
        "team manager": [["TA", "14", "£1,950", "£139.29", "£139.29", "£0.00", "0%"]],
        "service manager": [
            ["TA", "14", "£1,950", "£139.29", "£135.23", "£4.06", "3%"],
            ["TB", "30", "£4,000", "£133.33", "£135.23", "-£1.90", "-1%"],
        ],
    }
    assert figures == written[role]
    from reports import selectors

    view, grouped = selectors.summaries_for(world[role], page.context["run"])
    assert view.frame.drop(columns="team_name").values.tolist() == SUMMARY_ROWS[role, url]
    # By grouping, the same rows: a team manager's GA01 is TA's 10 open episodes, not TA's and TB's 40.
    assert grouped.frame[["grouping", "open_at_month_end"]].values.tolist() == GROUPING_ROWS[role]
    # No figure of the summary exceeds what the user's own rows add up to.
    assert (
        view.frame["cost"].sum() <= page.context["table"].total[page.context["table"].columns.index("cost")]
    )


def test_a_team_managers_casemix_summary_and_headline_are_their_own_teams(client, world):
    def cube_row(team: str, grouping: str, open_: int, referred: int, closed: int) -> dict:
        return {
            "period": "2026-10",
            "provider_code": "RHH",
            "team_code": team,
            "team_name": f"Team {team}",
            "super_group": "Getting Help",
            "grouping": grouping,
            "grouping_name": grouping,
            "age_band": "11-15",
            "gender": "2",
            "open_at_month_end": open_,
            "referred_in_month": referred,
            "closed_in_month": closed,
        }

    run = stored_run(
        "teammix",
        "provider",
        "RHH",
        OCTOBER,
        [cube_row("TA", "GH03", 10, 2, 1), cube_row("TB", "GH03", 30, 5, 4), cube_row("TA", "GH04", 4, 0, 0)],
    )
    headline = [
        ["TA", "open_at_month_end", 14, 12, 9],
        ["TA", "referred_in_month", 2, 3, 1],
        ["TA", "closed_in_month", 1, 1, 0],
        ["TB", "open_at_month_end", 30, 33, 20],
        ["TB", "referred_in_month", 5, 1, 2],
        ["TB", "closed_in_month", 4, 0, 1],
    ]
    ReportRow.objects.bulk_create(
        ReportRow(run=run, table=HEADLINE, position=n, values=row) for n, row in enumerate(headline)
    )
    from reports import selectors

    expected = {
        # TA alone: 14 open (10 + 4), against 12 last month and 9 a year before.
        "team manager": ([14, 12, 9], [["Team TA", 14, 2, 1]]),
        "service manager": ([44, 45, 29], [["Team TA", 14, 2, 1], ["Team TB", 30, 5, 4]]),
    }
    for role, (open_figures, by_team) in expected.items():
        views = {view.name: view.frame for view in selectors.summaries_for(world[role], run)}
        top = views["headline"].set_index("figure").loc["open_at_month_end"]
        assert [top["this_month"], top["last_month"], top["same_month_last_year"]] == open_figures
        assert views["by_team"].values.tolist() == by_team
        log_in_with_second_factor(client, world[role])
        assert client.get("/reports/teammix/provider/RHH/", {"period": "2026-10"}).status_code == 200
