"""A clinician completes a Current View, sees the suggestion, overrides it with a reason (real browser)."""

import pytest
from playwright.sync_api import expect

from assessments.current_view_items import ITEMS
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clinician_overrides_the_suggestion_with_a_reason_and_finds_both_in_the_history(page, service):
    case = factories.case(service["team_a"], factories.patient(given_name="Maya", family_name="Rahman"))
    log_in(page, service["clinician"].username)
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Complete a Current View").click()

    page.fill("#id_completed_on", "2025-03-12")
    page.select_option("#id_reason", "first_contact")
    # Keyboard first: focus the first item's "None" radio, then move along the row with the arrow keys.
    page.locator("#id_p01_0").focus()
    page.keyboard.press("Space")
    expect(page.locator("#id_p01_0")).to_be_checked()
    for item in ITEMS[1:]:
        page.check(f"#id_{item.id}_0")
    page.check("#id_p09_2")  # low mood: Moderate
    page.check("#id_e49_2")  # attendance difficulties: Moderate
    page.get_by_role("button", name="Save and see the suggestion").click()

    expect(page.get_by_test_id("suggested-grouping")).to_contain_text("Getting Help: Depression")
    expect(page.get_by_test_id("rule-explanation")).to_contain_text("R05")
    expect(page.get_by_text("School attendance difficulties")).to_be_visible()

    page.select_option("#id_grouping", label="GH09 Getting Help: Co-occurring emotional problems")
    page.get_by_role("button", name="Allocate the chosen grouping").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary.get_by_text("Choose why a different grouping fits better.")).to_be_visible()
    page.select_option("#id_reason_category", "new_information")
    page.fill("#id_reason_text", "School reports marked social anxiety too.")
    page.get_by_role("button", name="Allocate the chosen grouping").click()

    expect(page.get_by_test_id("current-grouping")).to_contain_text(
        "Getting Help: Co-occurring emotional problems"
    )
    history = page.get_by_test_id("allocation-history")
    expect(history).to_contain_text("GH09 Getting Help: Co-occurring emotional problems")
    expect(history).to_contain_text("GH03")  # what was suggested
    expect(history).to_contain_text("New information: School reports marked social anxiety too.")
    expect(history).to_contain_text("CAMHS-NBG v1")
    expect(page.get_by_test_id("review-due")).to_be_visible()
