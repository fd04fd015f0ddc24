"""Pages taking ids or parameters answer a hostile value with a page or a refusal, never a server error."""

import pytest

from accounts.models import Role
from reports.kinds import CASEMIX
from reports.models import ScopeKind
from tests import factories

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


@pytest.fixture
def manager(client, service):
    client.force_login(factories.user(Role.TEAM_MANAGER, teams=(service["team_a"],)))
    return client


@pytest.mark.parametrize("value", HOSTILE)
def test_the_regrouping_page_takes_any_rules_version_or_run(manager, value):
    assert manager.get("/groupings/regrouping/", {"rules_version": value, "run": value}).status_code == 200
    assert manager.post("/groupings/regrouping/", {"rules_version": value}).status_code == 404


@pytest.mark.parametrize("value", HOSTILE)
def test_the_caseload_takes_any_page_and_search(client, service, value):
    client.force_login(service["clinician"])
    assert client.get("/cases/", {"page": value}).status_code == 200
    assert client.post("/cases/", {"q": value}, follow=True).status_code == 200


@pytest.mark.parametrize("value", [*HOSTILE, "2025-13", "0000-01", "9999-12", "2025-00"])
def test_a_report_takes_any_period(client, service, value):
    icb = service["commissioner"]
    client.force_login(factories.user(Role.COMMISSIONER, commissioner=icb))
    page = f"/reports/{CASEMIX.report}/{ScopeKind.COMMISSIONER.value}/{icb.code}/"
    assert client.get(page, {"period": value}).status_code == 200
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
