"""No page is wider than a 1366 px screen (issue 29, point 5): every report page for every role that may open
it (its summary first, and with all its columns), the dashboards, and the case page with an SDQ recorded.
A wide table scrolls in its own region; the page itself never scrolls sideways."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from assessments.models import Case, MeasureResponse
from reports.access import offers
from tests.conftest import install_reference_rows
from tests.support.module_data import flushed_after

# The tests only read the demo the module's fixture seeds once: a transaction each, rolled back, and no flush after
# each (the fixture flushes once what it wrote).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WIDTH = 1366
AS_OF = dt.date(2026, 10, 31)
PERIOD = "2026-09"  # the demo's reports are run for the month before its as-of day


USERS = ("commissioner", "manager", "service.manager", "clinician")


@dataclass(frozen=True)
class DemoSite:
    url: str
    sessions: dict[str, str]  # username -> the value of a signed-in session cookie


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker) -> Iterator[DemoSite]:
    """The demo service, seeded once for the module's tests (which only read it) and committed, served by a live
    server of the module's own (pytest-django's `live_server` would flush the database after each test), with a
    session for each user the tests sign in as. Flushed at the end as a transactional test's records are, and the
    reference rows put back."""
    from pytest_django.live_server_helper import LiveServer

    with flushed_after(django_db_blocker):
        install_reference_rows()
        call_command("seed_demo", cases=60, seed=1, as_of=AS_OF, verbosity=0)
        sessions = {}
        for username in USERS:
            client = Client()
            client.force_login(User.objects.get(username=username))
            sessions[username] = client.cookies["sessionid"].value
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield DemoSite(server.url, sessions)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()


def _sign_in(context, site: DemoSite, username: str) -> None:
    context.clear_cookies()
    context.add_cookies([{"name": "sessionid", "value": site.sessions[username], "url": site.url}])


def _pages() -> list[tuple[str, str]]:
    """(username, URL) of each report page of each role that may open it, the dashboards and the case page."""
    visits = []
    for username in ("commissioner", "manager", "service.manager"):
        for offer in offers(User.objects.get(username=username)):
            url = reverse("reports:report", args=[offer.kind.report, offer.scope.kind, offer.scope.code])
            visits += [(username, f"{url}?period={PERIOD}"), (username, f"{url}?period={PERIOD}&columns=all")]
        visits.append((username, reverse("reports:index")))
    for username in ("manager", "service.manager"):
        visits += [
            (username, reverse("dashboards:dashboard")),
            (username, reverse("dashboards:dashboard_quality")),
        ]
    clinician = User.objects.get(username="clinician")
    sdq = (
        MeasureResponse.objects.filter(case__in=Case.objects.visible_to(clinician), measure="sdq")
        .order_by("pk")
        .first()
    )
    assert sdq is not None, "the demo records an SDQ for one of the clinician's cases"
    visits.append(("clinician", reverse("assessments:case_detail", args=[sdq.case_id])))
    return visits


def test_no_page_is_wider_than_a_1366_pixel_screen(browser, demo_site):
    context = browser.new_context(base_url=demo_site.url, viewport={"width": WIDTH, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    too_wide, signed_in_as = [], None
    visits = _pages()
    assert sum(1 for _, url in visits if "columns=all" in url) >= 5  # casemix, outcomes, cost, currency
    for username, url in visits:
        if username != signed_in_as:
            _sign_in(context, demo_site, username)
            signed_in_as = username
        response = page.goto(url)
        assert response is not None and response.status == 200, (username, url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            too_wide.append(f"{url} as {username}: {width} px")
    context.close()
    assert not too_wide, "pages wider than the screen:\n" + "\n".join(too_wide)


def test_a_wide_table_scrolls_in_its_own_named_region_with_its_first_column_fixed(browser, demo_site):
    context = browser.new_context(base_url=demo_site.url, viewport={"width": WIDTH, "height": 900})
    page = context.new_page()
    _sign_in(context, demo_site, "service.manager")
    provider = User.objects.get(username="service.manager").provider
    assert provider is not None
    code = provider.code
    page.goto(f"/reports/cost/provider/{code}/?period={PERIOD}&columns=all")
    region = page.locator(".table-scroll", has=page.locator('[data-testid="report-table"]'))
    assert region.get_attribute("tabindex") == "0" and region.get_attribute("aria-label")
    first = page.locator('[data-testid="report-table"] tbody tr:first-child td:first-child')
    assert first.evaluate("cell => getComputedStyle(cell).position") == "sticky"
    context.close()
