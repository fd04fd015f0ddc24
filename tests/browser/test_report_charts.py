"""A service manager reads the report charts in Chromium: server-drawn SVG images, visible and labelled,
within the page, and no Content Security Policy violation (the `page` fixture fails on one)."""

import pytest
from playwright.sync_api import expect

from accounts.models import Provider, Role
from reports import runs
from reports.kinds import kind_of
from reports.models import ReportRow
from reports.periods import Month
from tests import factories
from tests.browser.conftest import log_in
from tests.reports.helpers import october_casemix

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def done(report: str, month: str) -> None:
    run = runs.prepare_run(
        report=report, month=Month.of(month), scope_kind="provider", scope_code="RAA", by=None
    )
    runs.execute_run(run.pk)


def test_a_service_manager_sees_the_cost_trend_and_the_spread_drawn_without_script(page, reference_data):
    october_casemix()
    done("cost", "2026-09")
    done("cost", "2026-10")
    done("currency", "2026-10")
    currency = runs.ReportRun.objects.get(report="currency")
    ReportRow.objects.filter(run=currency).delete()
    columns = kind_of("currency").columns
    for n, row in enumerate(
        [
            {"grouping": "GA01", "episodes": 12, "cost_mean": 100.0},
            {"grouping": "GH04", "episodes": 9, "cost_mean": 300.0},
        ]
    ):
        ReportRow.objects.create(run=currency, position=n, values=[row.get(column) for column in columns])
    manager = factories.user(Role.SERVICE_MANAGER, provider=Provider.objects.get(code="RAA"))
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, manager.username)

    page.goto("/reports/cost/provider/RAA/?period=2026-10")
    chart = page.get_by_test_id("chart-trend-cost").locator("svg[role=img]")
    expect(chart).to_be_visible()
    label = chart.get_attribute("aria-label") or ""
    assert label.startswith("Cost (£), month by month, Cost by team and grouping")
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200 and box["x"] + box["width"] <= 1366
    assert page.locator("main script").count() == 0
    page.get_by_role("link", name="The table behind this chart").first.click()
    expect(page.get_by_test_id("trend")).to_be_visible()

    page.goto("/reports/currency/provider/RAA/?period=2026-10")
    spread = page.get_by_test_id("chart-spread-currency").locator("svg[role=img]")
    expect(spread).to_be_visible()
    expect(spread.locator("text", has_text="Mean cost per closed episode (£)")).to_have_count(1)
