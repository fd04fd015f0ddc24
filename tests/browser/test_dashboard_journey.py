"""A service manager narrows the dashboard to one team, opens its overdue reviews and reaches the case."""

import pytest
from playwright.sync_api import expect

from groupings.selectors import current_rules_version
from tests.browser.conftest import log_in
from tests.dashboards import dashboard_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_service_manager_filters_to_a_team_and_reaches_an_overdue_case(page, reference_data):
    world = dashboard_world.build()
    team_a, team_b = world.provider_teams
    # Team B's case 4 is due on 1 August 2025: overdue too by the time this runs.
    overdue_in_a = world.cases[1][0]
    log_in(page, world.service_manager.username)
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_test_id("dashboard-showing")).to_contain_text("all teams")

    # htmx is loaded with `defer`: a change made before it has loaded does nothing until "Show" is pressed.
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.htmx !== undefined")
    page.select_option("#id_team", label="Team A")  # htmx swaps the panels in place and updates the URL
    expect(page.get_by_test_id("dashboard-showing")).to_contain_text("Team A")
    version = current_rules_version().pk  # the grouping filter lists the current rules version's groupings
    expect(page).to_have_url(
        f"{page.url.split('?')[0]}?team={team_a.pk}&clinician=&rules_version={version}&grouping=&period=12m"
    )

    page.get_by_test_id("review-overdue-count").click()
    expect(page.get_by_role("heading", name="Open episodes with an overdue review")).to_be_visible()
    listed = page.get_by_test_id("case-list")
    expect(listed).to_contain_text(overdue_in_a.patient.full_name)
    expect(listed).not_to_contain_text(world.cases[4][0].patient.full_name)

    listed.get_by_role("link", name=overdue_in_a.patient.full_name).click()
    expect(page).to_have_url(f"{page.url.split('/cases/')[0]}/cases/{overdue_in_a.pk}/")
    expect(page.get_by_test_id("review-due")).to_contain_text("(overdue)")
