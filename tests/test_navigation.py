"""The navigation shows each role only the pages it may open: every link it shows answers 200 (the brand's, to
the home page, after its redirect to the role's first page)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from tests import factories
from tests.support.logins import log_in_with_second_factor

pytestmark = pytest.mark.django_db

NAV = re.compile(r"<nav\b.*?</nav>", re.S)
HREF = re.compile(r'<a [^>]*href="([^"]+)"[^>]*>\s*([^<]+?)\s*</a>')


@pytest.fixture
def users(reference_data):
    provider = factories.provider()
    team = factories.team(provider)
    icb = factories.commissioner()
    factories.case(team, factories.patient(), commissioner=icb)
    return {
        "clinician": factories.user(Role.CLINICIAN, teams=(team,)),
        "team manager": factories.user(Role.TEAM_MANAGER, teams=(team,)),
        "service manager": factories.user(Role.SERVICE_MANAGER, provider=provider),
        "commissioner": factories.user(Role.COMMISSIONER, commissioner=icb),
        "administrator": factories.user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True),
    }


def navigation_links(client: Client) -> dict[str, str]:
    """label -> address of every link in the page's navigation bar."""
    page = client.get(reverse("accounts:password_change")).content.decode()
    nav = NAV.search(page)
    assert nav is not None
    return {label: href for href, label in HREF.findall(nav.group())}


@pytest.mark.parametrize(
    "role", ["clinician", "team manager", "service manager", "commissioner", "administrator"]
)
def test_every_navigation_link_opens_for_the_role_that_sees_it(users, role):
    client = Client()
    user = users[role]
    if user.role == Role.ADMINISTRATOR:
        log_in_with_second_factor(client, user)
    else:
        client.force_login(user)
    links = navigation_links(client)
    assert len(links) > 2  # the brand, the pages and the account's pages
    refused = {
        label: status
        for label, href in links.items()
        if (status := client.get(href, follow=True).status_code) != 200
    }
    assert refused == {}, f"a {role} is shown links to pages that refuse them"


def test_clinicians_are_not_offered_reports_nor_managers_pages(users):
    client = Client()
    client.force_login(users["clinician"])
    assert {"Reports", "Dashboard", "Re-grouping", "Lab", "Admin", "Contracts"}.isdisjoint(
        navigation_links(client)
    )


@pytest.mark.parametrize("role", ["service manager", "commissioner"])
def test_the_two_parties_to_contracts_are_offered_them(users, role):
    client = Client()
    client.force_login(users[role])
    assert navigation_links(client)["Contracts"] == reverse("payments:contracts")
