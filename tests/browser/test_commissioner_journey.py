"""A commissioner's month: view the case-mix of their ICB, run it, download it; never a case page."""

import csv
import io

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from assessments.models import Case
from tests import factories
from tests.browser.conftest import log_in
from tests.reports.helpers import october_casemix

pytestmark = [pytest.mark.browser, pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def test_a_commissioner_runs_and_downloads_their_casemix_and_reaches_no_case_page(
    page, reference_data, celery_worker
):
    world = october_casemix()
    commissioner = factories.user(Role.COMMISSIONER, commissioner=world["commissioner"])
    log_in(page, commissioner.username)
    expect(page.get_by_role("heading", name="Reports")).to_be_visible()
    page.get_by_role("link", name="Case-mix").click()
    page.fill("#period", "2026-10")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("button", name="Run October 2026").click()
    # The page opens on the summary views once the run is done (refreshed until then).
    expect(page.get_by_test_id("summary-headline")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("run-status")).to_contain_text("Done")
    page.get_by_role("link", name="Show all columns").click()
    expect(page.get_by_test_id("report-table")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert rows[0] == [
        "period",
        "commissioner_code",
        "provider_code",
        "super_group",
        "grouping",
        "grouping_name",
        "age_band",
        "gender",
        "open_at_month_end",
        "referred_in_month",
        "closed_in_month",
    ]
    assert {cell for row in rows[1:] for cell in row[-3:]} <= {"0", "*"}

    case = Case.objects.filter(commissioner=world["commissioner"]).first()
    assert case is not None
    for url in ("/cases/", f"/cases/{case.pk}/"):
        response = page.goto(url)
        assert response is not None and response.status == 403
