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
