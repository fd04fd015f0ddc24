"""A clinician searches the caseload, pages through the results and sorts them: no NHS number in any URL."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clinician_pages_and_sorts_search_results_without_the_search_in_the_url(page, service):
    for n in range(52):
        factories.case(
            service["team_a"],
            factories.patient(given_name=f"Kit{n:02d}", family_name="Walker"),
            referral_date=dt.date(2025, 1, 1) + dt.timedelta(days=n),
        )
    rahman = factories.case(
        service["team_a"], factories.patient(given_name="Maya", family_name="Rahman", nhs_number="9434765919")
    )
    log_in(page, service["clinician"].username)
    page.goto("/cases/")
    page.get_by_label("Find a case by name, NHS number or case reference").fill("943-476-5919")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Maya Rahman")).to_be_visible()
    assert "9434765919" not in page.url and "943" not in page.url

    page.get_by_label("Find a case by name, NHS number or case reference").fill("walker")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("52 open referrals matching your search.")).to_be_visible()
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    expect(page.get_by_role("link", name="Kit50 Walker")).to_be_visible()
    assert "walker" not in page.url.lower()

    page.get_by_role("link", name="Referred").click()  # oldest first
    page.get_by_role("link", name="Referred").click()  # then newest first
    expect(page.locator("tbody tr").first).to_contain_text("Kit51 Walker")
    page.get_by_role("link", name="Kit51 Walker").click()
    expect(page.get_by_role("heading", name="Kit51 Walker")).to_be_visible()
    assert rahman.reference not in page.url
