"""Whole journeys in a real browser (Debian's chromium driven by Playwright)."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clinician_adds_a_patient_a_referral_and_a_contact_then_finds_the_case(page, service):
    clinician = service["clinician"]
    log_in(page, clinician.username)
    page.get_by_role("link", name="Add patient").first.click()
    page.fill("#id_nhs_number", "943 476 5919")
    page.fill("#id_given_name", "Maya")
    page.fill("#id_family_name", "Rahman")
    page.fill("#id_date_of_birth", "2013-02-01")
    page.select_option("#id_gender", "2")
    page.select_option("#id_ethnic_category", "K")
    page.fill("#id_postcode", "ls1 4ap")
    page.click("main button[type=submit]")
    expect(page.get_by_text("Maya Rahman registered")).to_be_visible()

    page.select_option("#id_team", str(service["team_a"].pk))
    page.fill("#id_referral_date", "2025-03-01")
    page.select_option("#id_referral_source", "gp")
    page.select_option("#id_commissioner", str(service["commissioner"].pk))
    page.click("main button[type=submit]")
    expect(page.get_by_text("Referral recorded.")).to_be_visible()

    page.get_by_role("link", name="Add contact").click()
    page.fill("#id_starts_at", "2025-03-05T14:30")
    page.fill("#id_duration_minutes", "45")
    page.select_option("#id_attendance", "attended")
    page.select_option("#id_mode", "face_to_face")
    page.click("main button[type=submit]")
    expect(page.get_by_text("Contact recorded.")).to_be_visible()
    expect(page.get_by_role("cell", name="05/03/2025 14:30", exact=True)).to_be_visible()

    page.get_by_role("link", name="Caseload").click()
    page.fill("#id_q", "943-476-5919")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Maya Rahman")).to_be_visible()
    assert "943" not in page.url
    page.get_by_role("link", name="Maya Rahman").click()
    expect(page.get_by_role("heading", name="Maya Rahman")).to_be_visible()


def test_a_bad_nhs_number_shows_its_message_and_keeps_what_was_typed(page, service):
    log_in(page, service["clinician"].username)
    page.goto("/patients/new/")
    page.fill("#id_nhs_number", "943 476 5918")
    page.fill("#id_given_name", "Maya")
    page.click("main button[type=submit]")
    expect(page.get_by_test_id("error-summary").get_by_text("check digit does not match")).to_be_visible()
    expect(page.locator("#id_given_name")).to_have_value("Maya")


def test_a_clinician_of_another_team_gets_404_on_the_case_url(page, service):
    case = factories.case(service["team_a"])
    outsider = factories.user(Role.CLINICIAN, teams=(service["team_b"],))
    log_in(page, outsider.username)
    response = page.goto(f"/cases/{case.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()


def test_a_commissioner_user_gets_no_case_page(page, service):
    case = factories.case(service["team_a"])
    commissioner = factories.user(Role.COMMISSIONER, commissioner=service["commissioner"])
    log_in(page, commissioner.username)
    expect(page.get_by_role("heading", name="Reports")).to_be_visible()
    expect(page.get_by_role("link", name="Caseload")).to_have_count(0)
    assert page.goto(f"/cases/{case.pk}/").status == 403
    assert page.goto("/cases/").status == 403
