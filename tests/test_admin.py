"""Reference data and organisations are editable in the Django admin; case records are not there."""

import pytest

from accounts.models import Role
from groupings.models import RulesVersion
from tests import factories
from tests.support.logins import log_in_with_second_factor

pytestmark = pytest.mark.django_db

PAGES = [
    "accounts/provider",
    "accounts/team",
    "accounts/commissioner",
    "accounts/profession",
    "accounts/user",
    "groupings/rulesversion",
    "groupings/grouping",
    "assessments/scoringrules",
    "assessments/changethreshold",
    "assessments/measureitemwording",
    "assessments/measureitemwording/upload",
    "reports/unitcost",
    "reports/referencecontactcost",
    "reports/reportrun",
    "payments/pricelist",
    "payments/contract",
    "payments/statement",
    "payments/challenge",
    "consistency/vignette",
    "consistency/vignette/upload",
]


@pytest.fixture
def admin_client(client, reference_data):
    log_in_with_second_factor(client, factories.user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("page", PAGES)
def test_each_reference_table_has_an_admin_list(admin_client, page):
    assert admin_client.get(f"/admin/{page}/").status_code == 200


def test_patient_records_are_not_in_the_admin(admin_client):
    assert admin_client.get("/admin/assessments/patient/").status_code == 404
    assert admin_client.get("/admin/assessments/case/").status_code == 404


def test_the_rules_version_admin_refuses_rules_that_cannot_be_used(admin_client):
    response = admin_client.post(
        "/admin/groupings/rulesversion/add/",
        {
            "label": "broken",
            "description": "",
            "rules_definition": '{"high_at_least": 2}',
            "groupings-TOTAL_FORMS": "0",
            "groupings-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "These rules cannot be used" in response.content.decode()
    assert not RulesVersion.objects.filter(label="broken").exists()


def test_a_rules_version_that_has_suggested_is_frozen(admin_client, service):
    import datetime as dt

    from groupings import services
    from tests.groupings.helpers import ratings

    case = factories.case(service["team_a"])
    services.record_and_suggest(
        by=service["clinician"],
        case=case,
        completed_on=dt.date(2025, 3, 3),
        reason="first_contact",
        practitioner=service["clinician"],
        ratings=ratings(),
    )
    rules_version = RulesVersion.objects.get(is_current=True)
    page = admin_client.get(f"/admin/groupings/rulesversion/{rules_version.pk}/change/").content.decode()
    assert 'name="rules_definition"' not in page and 'name="label"' not in page


def test_making_a_scoring_rules_version_current_retires_the_previous_one(admin_client):
    from assessments.models import ScoringRules

    response = admin_client.post(
        "/admin/assessments/scoringrules/add/",
        {
            "label": "Local 2027",
            "rcads_max_missing_per_subscale": 0,
            "honosca_max_not_known": 2,
            "is_current": "on",
        },
    )
    assert response.status_code == 302
    assert list(ScoringRules.objects.filter(is_current=True).values_list("label", flat=True)) == [
        "Local 2027"
    ]


def test_every_profession_has_a_unit_cost_installed(reference_data):
    from accounts.models import Profession
    from reports.models import ReferenceContactCost, UnitCost

    assert set(UnitCost.objects.values_list("profession", flat=True)) == set(
        Profession.objects.values_list("pk", flat=True)
    )
    assert ReferenceContactCost.objects.get().contact_cost == 128


def _statements(n: int) -> None:
    from payments.models import Statement
    from tests.payments.helpers import contract

    for _ in range(n):
        commissioner, provider = factories.commissioner(), factories.provider()
        made = contract(
            commissioner, provider, {"GH03": "1000.00"}, reference=f"C-{commissioner.code}-{provider.code}"
        )
        Statement.objects.create(contract=made, period="2026-05-01", price_list=made.price_list)


def _api_clients(n: int) -> None:
    from api import services

    for _ in range(n):
        provider, commissioner = factories.provider(), factories.commissioner()
        services.create_client(by=None, name=f"system of {provider.code}", provider=provider)
        services.create_client(by=None, name=f"system of {commissioner.code}", commissioner=commissioner)


def _users(n: int) -> None:
    for _ in range(n):
        factories.user(Role.SERVICE_MANAGER, provider=factories.provider())
        factories.user(Role.COMMISSIONER, commissioner=factories.commissioner())


@pytest.mark.parametrize(
    ("page", "add_rows"),
    [("accounts/user", _users), ("api/apiclient", _api_clients), ("payments/statement", _statements)],
)
def test_an_admin_list_makes_as_many_queries_for_many_rows_as_for_one(admin_client, page, add_rows):
    """What each row shows of its provider, commissioner or contract comes with the rows, not a query a row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add_rows(1)
    assert admin_client.get(f"/admin/{page}/").status_code == 200  # the session's first page looks up more
    with CaptureQueriesContext(connection) as one:
        assert admin_client.get(f"/admin/{page}/").status_code == 200
    add_rows(4)
    with CaptureQueriesContext(connection) as many:
        assert admin_client.get(f"/admin/{page}/").status_code == 200
    assert len(many.captured_queries) == len(one.captured_queries)
