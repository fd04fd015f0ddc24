"""Registering a patient the provider already holds: the message links to them when the user may see them."""

import pytest

from accounts.models import Role
from assessments.models import Patient
from tests import factories
from tests.assessments.test_record_validation import GOOD_PATIENT

pytestmark = pytest.mark.django_db

NUMBER = "9434765919"


def register(client, user) -> str:
    client.force_login(user)
    response = client.post("/patients/new/", {**GOOD_PATIENT, "nhs_number": "943 476 5919"})
    assert response.status_code == 200
    return response.content.decode()


def test_the_duplicate_message_links_to_the_case_the_user_may_see(client, service):
    case = factories.case(
        service["team_a"], factories.patient(provider=service["provider"], nhs_number=NUMBER)
    )
    page = register(client, service["clinician"])
    assert "A patient with this NHS number is already registered." in page
    assert f'<a href="/cases/{case.pk}/">Open their record</a>' in page
    assert Patient.objects.count() == 1


def test_a_patient_the_user_registered_and_has_not_referred_links_to_their_referral(client, service):
    known = factories.patient(
        provider=service["provider"], nhs_number=NUMBER, registered_by=service["clinician"]
    )
    page = register(client, service["clinician"])
    assert f'<a href="/patients/{known.pk}/referrals/new/">Open their record</a>' in page


def test_the_duplicate_message_has_no_link_when_the_user_may_not_see_the_patient(client, service):
    case = factories.case(
        service["team_b"], factories.patient(provider=service["provider"], nhs_number=NUMBER)
    )
    page = register(client, factories.user(Role.CLINICIAN, teams=(service["team_a"],)))
    assert "A patient with this NHS number is already registered." in page
    assert "Open their record" not in page and f"/cases/{case.pk}/" not in page
