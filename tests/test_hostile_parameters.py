"""Pages taking ids or parameters answer a hostile value with a page or a refusal, never a server error."""

import pytest

from accounts.models import Role
from reports.kinds import CASEMIX
from reports.models import ScopeKind
from tests import factories
from tests.support.logins import log_in_with_second_factor

pytestmark = pytest.mark.django_db
HOSTILE = [
    "abc",
    "",
    "-1",
    "0",
    "1.5",
    "\u00b2",  # a superscript two: str.isdigit() says yes, int() says no
    "\u0663",  # an Arabic-Indic three
    "99999999999999999999999",
    "1; DROP TABLE groupings_rulesversion",
    "\x00",
    "\u202e1",
    "%00",
    "9" * 5000,
]


def ok_unless_nul(value: str) -> int:
    """200, or 400 for a NUL character in the address (camhs_pbr.middleware.NulBytesRefusedMiddleware)."""
    return 400 if "\x00" in value else 200


@pytest.fixture
def manager(client, service):
    client.force_login(factories.user(Role.TEAM_MANAGER, teams=(service["team_a"],)))
    return client


@pytest.mark.parametrize("value", HOSTILE)
def test_the_regrouping_page_takes_any_rules_version_or_run(manager, value):
    page = manager.get("/groupings/regrouping/", {"rules_version": value, "run": value})
    assert page.status_code == ok_unless_nul(value)
    assert manager.post("/groupings/regrouping/", {"rules_version": value}).status_code == 404


@pytest.mark.parametrize("value", HOSTILE)
def test_the_caseload_takes_any_page_and_search(client, service, value):
    client.force_login(service["clinician"])
    assert client.get("/cases/", {"page": value}).status_code == ok_unless_nul(value)
    assert client.post("/cases/", {"q": value}, follow=True).status_code == 200


@pytest.mark.parametrize("value", [*HOSTILE, "2025-13", "0000-01", "9999-12", "2025-00"])
def test_a_report_takes_any_period(client, service, value):
    icb = service["commissioner"]
    client.force_login(factories.user(Role.COMMISSIONER, commissioner=icb))
    page = f"/reports/{CASEMIX.report}/{ScopeKind.COMMISSIONER.value}/{icb.code}/"
    assert client.get(page, {"period": value}).status_code == ok_unless_nul(value)
    assert client.post(page, {"period": value}).status_code == 302


@pytest.mark.parametrize("period", ["2025-13", "0000-01", "9999-12", "2025-00"])
def test_a_download_of_an_impossible_month_is_refused(client, service, period):
    icb = service["commissioner"]
    client.force_login(factories.user(Role.COMMISSIONER, commissioner=icb))
    response = client.get(f"/reports/casemix/commissioner/{icb.code}/{period}.csv")
    assert response.status_code in (302, 403)


@pytest.mark.parametrize("code", ["x" * 500, "Q1\u202e", "%2e%2e", "-"])
def test_a_report_of_an_unknown_scope_is_refused(client, service, code):
    client.force_login(factories.user(Role.COMMISSIONER, commissioner=service["commissioner"]))
    assert client.get(f"/reports/casemix/commissioner/{code}/").status_code in (403, 404)


@pytest.mark.parametrize(
    "path",
    [
        "/cases/99999999999999999999/",
        "/cases/2147483648/contacts/new/",
        "/cases/1/measures/99999999999999999999/correct/",
        "/cases/1/measures/sdq%00/parent/new/",
        "/cases/1/current-views/99999999999999999999/",
        "/patients/99999999999999999999/referrals/new/",
    ],
)
def test_case_pages_with_ids_out_of_range_are_not_found(client, service, path):
    client.force_login(service["clinician"])
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404


ADMIN_HOSTILE = ["abc", "", "-1", "1.5", "\u0663", "99999999999999999999999", "\x00", "\u202e1", "9" * 5000]


def _changelists():
    from django.contrib import admin

    return sorted(
        (model._meta.app_label, model._meta.model_name)
        for model in admin.site._registry
        if model._meta.app_label
    )


@pytest.mark.parametrize(("app", "model"), _changelists())
def test_every_admin_list_takes_any_filter_and_search_value(client, reference_data, app, model):
    """Each list filter's parameters and the search box, with every hostile value: a page, a redirect (the
    admin's "?e=1" for a value its filter refuses) or a 400, never a server error."""
    log_in_with_second_factor(client, factories.user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    url = f"/admin/{app}/{model}/"
    listing = client.get(url)
    assert listing.status_code == 200
    parameters = {
        "q",
        *(p for spec in listing.context["cl"].filter_specs for p in spec.expected_parameters()),
    }
    failures = []
    for parameter in sorted(parameters):
        for value in ADMIN_HOSTILE:
            status = client.get(url, {parameter: value}).status_code
            if status not in (200, 302, 400):
                failures.append((parameter, value[:20], status))
    assert failures == []


def test_a_nul_character_in_an_address_is_a_bad_request(client, service):
    client.force_login(service["clinician"])
    response = client.get("/cases/", {"page": "\x00"})
    assert response.status_code == 400
    assert "This address cannot be read" in response.content.decode()
