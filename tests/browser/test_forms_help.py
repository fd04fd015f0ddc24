"""Forms that help (real browser): an answer cleared from the keyboard, and an error summary that leads to the
field to correct."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from assessments.models import MeasureItemWording, MeasureResponse
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clinician_clears_an_answer_with_the_keyboard_and_the_item_is_saved_unanswered(page, service):
    case = factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))
    MeasureItemWording.objects.bulk_create(
        MeasureItemWording(measure="sdq", item=item, text=f"Licensed words of item {item}")
        for item in range(1, 26)
    )
    log_in(page, service["clinician"].username)
    page.goto(f"/cases/{case.pk}/measures/sdq/parent/new/")
    expect(page.locator("#label-12")).to_have_text("Item 12Licensed words of item 12")
    for item in range(1, 26):
        page.check(f"#id_{item}_0")  # Not true

    # Item 12 answered "Certainly true" by mistake: Tab leaves the row's radios for its Clear button.
    page.locator("#id_12_2").focus()
    page.keyboard.press("Space")
    expect(page.locator("#id_12_2")).to_be_checked()
    page.keyboard.press("Tab")
    clear = page.get_by_role("button", name="Clear answer to Item 12")
    expect(clear).to_be_focused()
    page.keyboard.press("Enter")
    for option in range(3):
        expect(page.locator(f"#id_12_{option}")).not_to_be_checked()
    expect(page.locator("#id_13_0")).to_be_checked()  # the other rows keep their answers

    page.get_by_role("button", name="Save and score").click()
    expect(page.get_by_text("SDQ saved and scored.")).to_be_visible()
    answers = MeasureResponse.objects.get().typed_answers().items
    assert answers[12] is None and answers[13] == 0


def test_the_error_summary_takes_focus_and_its_links_move_it_to_the_field(page, service):
    case = factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))
    log_in(page, service["clinician"].username)
    page.goto(f"/cases/{case.pk}/current-views/new/")
    page.fill("#id_completed_on", "")
    page.get_by_role("button", name="Save and see the suggestion").click()

    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()

    # From the keyboard: the first link names the date, and following it puts the cursor in the date box.
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link").first).to_be_focused()
    expect(summary.get_by_role("link").first).to_contain_text("Date completed")
    page.keyboard.press("Enter")
    expect(page.locator("#id_completed_on")).to_be_focused()

    # With the mouse: an unanswered item's link focuses the first answer of its row.
    summary.get_by_role("link", name="Self-harm: Rate “Self-harm”").click()
    expect(page.locator("#id_p10_0")).to_be_focused()


def test_the_reason_fields_become_required_when_another_grouping_is_chosen(page, service):
    from groupings import services
    from tests.groupings.helpers import ratings

    case = factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))
    current_view, suggestion = services.record_and_suggest(
        by=service["clinician"],
        case=case,
        completed_on=dt.date(2025, 2, 3),
        reason="first_contact",
        practitioner=service["clinician"],
        ratings=ratings(p09=2),
    )
    log_in(page, service["clinician"].username)
    page.goto(f"/cases/{case.pk}/current-views/{current_view.pk}/")
    reasons = [page.get_by_label("Reason for a different grouping"), page.get_by_label("In a few words")]
    for reason in reasons:
        expect(reason).to_have_attribute("aria-required", "false")
        expect(reason).to_have_accessible_description("Required when the grouping is not the suggested one.")
    page.select_option("#id_grouping", label="GH09 Getting Help: Co-occurring emotional problems")
    for reason in reasons:
        expect(reason).to_have_attribute("aria-required", "true")
    page.select_option("#id_grouping", str(suggestion.grouping_id))
    for reason in reasons:
        expect(reason).to_have_attribute("aria-required", "false")
