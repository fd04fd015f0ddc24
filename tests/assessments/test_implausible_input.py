"""Dates outside plausible ranges and text with hidden characters are refused with a message, never saved."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments import limits, services
from assessments.forms import ContactForm, PatientForm, ReferralForm
from assessments.models import Case, Patient
from tests import factories
from tests.assessments.test_record_validation import GOOD_PATIENT
from tests.support.forms import keyed

pytestmark = pytest.mark.django_db


def test_a_date_of_birth_of_year_one_is_refused_and_nothing_is_saved(client, service):
    client.force_login(service["clinician"])
    response = client.post("/patients/new/", {**GOOD_PATIENT, "date_of_birth": "0001-01-01"})
    assert response.status_code == 200
    assert "The date of birth cannot be before 01/01/1900." in response.content.decode()
    assert not Patient.objects.exists()


def test_an_accepted_date_in_9999_is_refused_and_nothing_is_saved(client, service):
    patient = factories.patient(registered_by=service["clinician"], provider=service["provider"])
    client.force_login(service["clinician"])
    response = client.post(
        f"/patients/{patient.pk}/referrals/new/",
        {
            "team": service["team_a"].pk,
            "referral_date": "2025-03-01",
            "referral_source": "gp",
            "commissioner": service["commissioner"].pk,
            "accepted_date": "9999-12-31",
        },
    )
    assert response.status_code == 200
    assert "The acceptance date cannot be in the future." in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize("referral_date", ["1999-12-31", "0001-01-01"])
def test_a_referral_before_2000_is_refused(service, referral_date):
    patient = factories.patient(date_of_birth=dt.date(1990, 1, 1))
    form = ReferralForm(
        data={
            "team": service["team_a"].pk,
            "referral_date": referral_date,
            "referral_source": "gp",
            "commissioner": service["commissioner"].pk,
        },
        patient=patient,
        user=service["clinician"],
    )
    assert form.errors["referral_date"] == ["The referral date cannot be before 01/01/2000."]


@pytest.mark.parametrize(
    ("starts_at", "message"),
    [
        ("9999-12-31T23:59", "The contact date cannot be after"),
        ("0001-01-01T00:00", "The contact date cannot be before 01/01/2000."),
    ],
)
def test_a_contact_at_the_ends_of_the_calendar_is_refused_not_crashed_on(service, starts_at, message):
    case = factories.case(service["team_a"])
    form = ContactForm(
        data={
            "starts_at": starts_at,
            "duration_minutes": 30,
            "attendance": "dna",
            "mode": "video",
            "clinician": service["clinician"].pk,
        },
        case=case,
        user=service["clinician"],
    )
    assert not form.is_valid()
    assert message in form.errors["starts_at"][0]


def test_a_contact_may_be_booked_up_to_a_year_ahead(service):
    case = factories.case(service["team_a"])
    ahead = timezone.localdate() + dt.timedelta(days=limits.CONTACT_DATE.days_ahead)
    form = ContactForm(
        data=keyed(
            {
                "starts_at": f"{ahead.isoformat()}T09:00",
                "duration_minutes": 30,
                "attendance": "dna",
                "mode": "video",
                "clinician": service["clinician"].pk,
            }
        ),
        case=case,
        user=service["clinician"],
    )
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("name", ["Ale\u202exa", "Al\u200bex", "Alex\x07", "Alex\nSmith"])
def test_a_name_with_hidden_or_control_characters_is_refused(name, service):
    form = PatientForm(data={**GOOD_PATIENT, "given_name": name}, provider=service["provider"])
    assert not form.is_valid()
    assert "invisible or control character" in form.errors["given_name"][0]


def test_a_name_is_stored_in_nfc(service):
    form = PatientForm(
        data=keyed({**GOOD_PATIENT, "family_name": "Lo\u0301pez"}), provider=service["provider"]
    )
    assert form.is_valid(), form.errors
    fields = {k: v for k, v in form.cleaned_data.items() if k != "submission_key"}
    patient = services.register_patient(by=service["clinician"], provider=service["provider"], **fields)
    assert patient.family_name == "L\u00f3pez"


def test_the_services_refuse_what_the_forms_refuse(service):
    clinician = service["clinician"]
    form = PatientForm(data=keyed(GOOD_PATIENT), provider=service["provider"])
    assert form.is_valid()
    fields = {k: v for k, v in form.cleaned_data.items() if k != "submission_key"}
    provider = service["provider"]
    with pytest.raises(services.RecordRefused, match="cannot be before 01/01/1900"):
        services.register_patient(
            by=clinician, provider=provider, **{**fields, "date_of_birth": dt.date(1, 1, 1)}
        )
    with pytest.raises(services.RecordRefused, match="U\\+202E"):
        services.register_patient(by=clinician, provider=provider, **{**fields, "given_name": "A\u202eB"})
    case = factories.case(service["team_a"])
    with pytest.raises(services.RecordRefused, match="The discharge date cannot be in the future."):
        services.discharge_case(
            by=clinician,
            case=case,
            closed_date=dt.date(9999, 12, 31),
            discharge_reason="x",
            version=case.version,
        )
    with pytest.raises(services.RecordRefused, match="The acceptance date cannot be in the future."):
        services.open_referral(
            by=clinician,
            patient=factories.patient(),
            team=service["team_b"],
            referral_date=dt.date(2025, 3, 1),
            referral_source="gp",
            commissioner=service["commissioner"],
            accepted_date=dt.date(9999, 12, 31),
        )
    assert not Patient.objects.filter(given_name="A\u202eB").exists()
