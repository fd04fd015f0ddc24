"""A clinician enters an SDQ in a real browser and sees its scores on the case page."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clinician_enters_a_parent_sdq_and_sees_its_scores(page, service):
    case = factories.case(service["team_a"], factories.patient(given_name="Leo", family_name="Fox"))
    log_in(page, service["clinician"].username)
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("button", name="Record a measure").click()
    page.get_by_role("link", name="SDQ (parent or carer)").click()

    page.fill("#id_completed_on", "2025-04-02")
    for item in range(1, 26):
        page.check(f"#id_{item}_0")  # Not true
    for item in (3, 8, 13, 16, 24):
        page.check(f"#id_{item}_2")  # emotional items: Certainly true
    page.check("#id_overall_difficulties_2")  # Yes: definite difficulties
    page.check("#id_distress_2")  # Quite a lot
    for area in ("home_life", "friendships", "classroom_learning", "leisure_activities"):
        page.check(f"#id_{area}_3")  # A great deal
    page.get_by_role("button", name="Save and score").click()

    expect(page.get_by_text("SDQ saved and scored.")).to_be_visible()
    section = page.get_by_test_id("measure-sdq-parent")
    expect(section.get_by_role("heading", name="SDQ (Parent or carer)")).to_be_visible()
    row = section.locator("tbody tr").first
    # emotional 10, conduct 2, hyperactivity 4, peer 4, prosocial 0, total difficulties 20, externalising 6,
    # internalising 14, impact 1 + 4 x 2 = 9
    expect(row.locator("td")).to_have_text(
        [
            "02/04/2025",
            "10",
            "2",
            "4",
            "4",
            "0",
            "20",
            "6",
            "14",
            "9",
            re.compile(r"^recorded by .+ · correct$"),
        ]
    )
    expect(section.locator("svg circle")).to_have_count(1)
