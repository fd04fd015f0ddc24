"""The navigation bar keeps to one line at 1366x768, the commonest laptop screen, for every role."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import Role, User
from tests import factories
from tests.support.logins import log_in_with_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every item of the bar that takes room on its line: the brand, the page links, the name, the account menu.
ITEMS_OFF_THE_FIRST_LINE = """() => {
  const items = [...document.querySelectorAll(
    'nav.navbar .container > *, nav.navbar .navbar-nav > li, nav.navbar .navbar-nav > li > *'
  )].filter(item => item.offsetParent !== null);
  const line = document.querySelector('nav.navbar .navbar-brand').getBoundingClientRect();
  // An item below the brand's line, or taller than it (its words wrapped within it), is off the one line.
  return items.filter(item => {
    const box = item.getBoundingClientRect();
    return box.top >= line.bottom || box.bottom <= line.top || box.height > line.height * 1.5;
  }).map(item => item.textContent.trim().replace(/\\s+/g, ' '));
}"""


@pytest.fixture
def users(reference_data):
    provider = factories.provider()
    team = factories.team(provider)
    icb = factories.commissioner()
    factories.case(team, factories.patient(), commissioner=icb)
    # Long names: the bar must fit the longest a user is likely to have.
    long: dict[str, Any] = {"first_name": "Alexandra-Victoria", "last_name": "Montgomery-Fairweather"}
    return [
        factories.user(Role.CLINICIAN, teams=(team,), **long),
        factories.user(Role.TEAM_MANAGER, teams=(team,), **long),
        factories.user(Role.SERVICE_MANAGER, provider=provider, **long),
        factories.user(Role.COMMISSIONER, commissioner=icb, **long),
        factories.user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True, **long),
    ]


def _sign_in(context, live_server, user: User) -> None:
    client = Client()
    if user.role == Role.ADMINISTRATOR:
        log_in_with_second_factor(client, user)
    else:
        client.force_login(user)
    context.clear_cookies()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_the_navigation_is_one_line_at_1366_by_768_for_every_role(browser, live_server, users):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 768})
    context.set_default_timeout(10_000)
    page = context.new_page()
    wrapped = {}
    for user in users:
        _sign_in(context, live_server, user)
        page.goto("/accounts/password/")
        assert page.locator("nav.navbar").count() == 1
        below = page.evaluate(ITEMS_OFF_THE_FIRST_LINE)
        if below:
            wrapped[user.role] = below
        # The account's pages are in the menu under the name, opened by mouse or keyboard.
        page.get_by_role("button", name=user.display_name).press("Enter")
        assert page.get_by_role("link", name="Password").is_visible()
        assert page.get_by_role("button", name="Log out").is_visible()
    context.close()
    assert wrapped == {}, "the navigation wraps onto a second line"
