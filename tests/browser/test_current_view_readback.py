"""A clinician records a Current View with some items Not known and reads it back, on screen and on paper."""

import pytest
from playwright.sync_api import expect

from assessments.current_view_items import ITEMS
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOT_KNOWN = {"p12", "c37", "x47"}


def test_a_saved_current_view_reads_back_with_its_not_known_items_and_prints(page, service):
    case = factories.case(service["team_a"], factories.patient(given_name="Maya", family_name="Rahman"))
    log_in(page, service["clinician"].username)
    page.goto(f"/cases/{case.pk}/current-views/new/")
    page.fill("#id_completed_on", "2025-03-12")
    page.select_option("#id_reason", "first_contact")
    for item in ITEMS:
        answer = "nk" if item.id in NOT_KNOWN else "0"
        page.check(f"input[name={item.id}][value='{answer}']")
    page.check("input[name=p09][value='2']")  # low mood: Moderate
    page.check("input[name=c31][value='1']")  # looked after child: Yes
    page.get_by_role("button", name="Save and see the suggestion").click()
    expect(page.get_by_text("Current View saved.")).to_be_visible()

    record = page.get_by_test_id("current-view-record")
    for item in ITEMS:
        row = record.locator(f"tr[data-item={item.id}]")
        expect(row.locator("th")).to_contain_text(item.name)
        if item.id in NOT_KNOWN:
            expect(row.locator("td")).to_have_text("Not known")
    expect(record.locator("tr[data-item=p09] td")).to_have_text("Moderate")
    expect(record.locator("tr[data-item=c31] td")).to_have_text("Yes")
    expect(record.locator("tr[data-item=c32] td")).to_have_text("No")
    expect(record).to_contain_text("12/03/2025")
    expect(record).to_contain_text("First contact")
    expect(record).to_contain_text(service["clinician"].display_name)
    expect(page.get_by_test_id("suggested-grouping")).to_contain_text("Getting Help: Depression")

    page.reload()  # read again later, not just after saving
    print_button = page.get_by_role("button", name="Print")
    expect(print_button).to_be_visible()  # static/js/print.js ran under the page's CSP
    page.emulate_media(media="print")
    expect(print_button).to_be_hidden()
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.get_by_role("button", name="Allocate the chosen grouping")).to_be_hidden()
    expect(page.get_by_test_id("suggested-grouping")).to_be_visible()
    expect(record.locator("tr[data-item=e50]")).to_be_visible()  # the last row, not cut off
