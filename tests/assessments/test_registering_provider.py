"""A clinician who works in teams of more than one provider chooses, when registering a patient, the provider
that holds the record; one of a single provider is not asked (issue 31, point 8)."""

import pytest

from accounts.models import Role
from assessments.models import Patient
from tests import factories
from tests.support.forms import keyed

pytestmark = pytest.mark.django_db

PATIENT = {
    "nhs_number": "943 476 5919",
    "given_name": "Maya",
    "family_name": "Rahman",
    "date_of_birth": "2013-02-01",
    "gender": "2",
    "ethnic_category": "K",
    "postcode": "ls14ap",
}


@pytest.fixture
def two_providers(reference_data):
    """A clinician in a team of each of two providers, and a third provider they do not work for."""
    north, south, elsewhere = (
        factories.provider(name="North Trust"),
        factories.provider(name="South Trust"),
        factories.provider(name="West Trust"),
    )
    clinician = factories.user(Role.CLINICIAN, teams=(factories.team(north), factories.team(south)))
    factories.team(elsewhere)
    return clinician, north, south, elsewhere


def test_the_form_asks_for_the_provider_among_those_of_the_clinicians_teams(client, two_providers):
    clinician, north, south, elsewhere = two_providers
    client.force_login(clinician)
    field = client.get("/patients/new/").context["form"].fields["provider"]
    assert list(field.queryset) == [north, south] and field.required


def test_the_chosen_provider_holds_the_record(client, two_providers):
    clinician, north, south, _ = two_providers
    client.force_login(clinician)
    response = client.post("/patients/new/", keyed({**PATIENT, "provider": str(south.pk)}))
    assert response.status_code == 302
    assert Patient.objects.get().provider == south


def test_no_choice_or_a_provider_of_no_team_of_theirs_re_renders_the_form_with_the_error(
    client, two_providers
):
    clinician, _, _, elsewhere = two_providers
    client.force_login(clinician)
    missing = client.post("/patients/new/", keyed(PATIENT))
    assert missing.status_code == 200
    assert missing.context["form"].errors["provider"] == ["Choose the provider that holds the record."]
    foreign = client.post("/patients/new/", keyed({**PATIENT, "provider": str(elsewhere.pk)}))
    assert foreign.context["form"].errors["provider"] == ["Choose one of the providers of your teams."]
    assert not Patient.objects.exists()


def test_the_nhs_number_is_checked_against_the_chosen_providers_records_only(client, two_providers):
    clinician, north, south, _ = two_providers
    factories.patient(provider=north, nhs_number="9434765919")
    client.force_login(clinician)
    at_north = client.post("/patients/new/", keyed({**PATIENT, "provider": str(north.pk)}))
    assert "already registered" in at_north.context["form"].errors["nhs_number"][0]
    at_south = client.post("/patients/new/", keyed({**PATIENT, "provider": str(south.pk)}))
    assert at_south.status_code == 302
    assert Patient.objects.get(provider=south).nhs_number == "9434765919"


def test_a_clinician_of_one_provider_is_not_asked(client, service):
    client.force_login(service["clinician"])
    assert "provider" not in client.get("/patients/new/").context["form"].fields
    client.post("/patients/new/", keyed(PATIENT))
    assert Patient.objects.get().provider == service["provider"]
