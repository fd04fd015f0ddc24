"""Each validation message of the case-record forms, and that a refused form saves nothing."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role
from assessments.forms import ContactForm, DischargeForm, PatientForm, ReferralForm
from assessments.models import Case, Patient
from tests import factories
from tests.support.forms import keyed

GOOD_PATIENT = {
    "nhs_number": "943 476 5919",
    "given_name": "Maya",
    "family_name": "Rahman",
    "date_of_birth": "2013-02-01",
    "gender": "2",
    "ethnic_category": "K",
    "postcode": "ls14ap",
}


def patient_form(provider=None, **changes) -> PatientForm:
    return PatientForm(data=keyed({**GOOD_PATIENT, **changes}), provider=provider or factories.provider())


@pytest.mark.django_db
class TestPatientForm:
    def test_a_good_patient_is_accepted_and_normalised(self):
        form = patient_form(nhs_number="943-476-5919")
        assert form.is_valid(), form.errors
        assert form.cleaned_data["nhs_number"] == "9434765919"
        assert form.cleaned_data["postcode"] == "LS1 4AP"

    def test_a_malformed_nhs_number_is_refused(self):
        form = patient_form(nhs_number="94347")
        assert not form.is_valid()
        assert "Enter the NHS number as 10 digits" in form.errors["nhs_number"][0]

    def test_an_nhs_number_with_a_wrong_check_digit_is_refused(self):
        form = patient_form(nhs_number="9434765918")
        assert not form.is_valid()
        assert "check digit does not match" in form.errors["nhs_number"][0]

    def test_a_duplicate_patient_is_refused(self):
        known = factories.patient(nhs_number="9434765919")
        form = patient_form(known.provider, nhs_number="943 476 5919")
        assert not form.is_valid()
        assert form.errors["nhs_number"] == ["A patient with this NHS number is already registered."]

    def test_a_date_of_birth_in_the_future_is_refused(self):
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        form = patient_form(date_of_birth=tomorrow.isoformat())
        assert not form.is_valid()
        assert form.errors["date_of_birth"] == ["The date of birth cannot be in the future."]

    def test_a_malformed_postcode_is_refused(self):
        form = patient_form(postcode="LS1 XYZ")
        assert not form.is_valid()
        assert "Enter a UK postcode" in form.errors["postcode"][0]


@pytest.mark.django_db
class TestReferralForm:
    def referral(self, service, patient, **changes):
        data = {
            "team": service["team_a"].pk,
            "referral_date": "2025-03-01",
            "referral_source": "gp",
            "commissioner": service["commissioner"].pk,
            "accepted_date": "",
        }
        return ReferralForm(data=keyed({**data, **changes}), patient=patient, user=service["clinician"])

    def test_a_good_referral_is_accepted(self, service):
        assert self.referral(service, factories.patient(provider=service["provider"])).is_valid()

    @pytest.mark.parametrize("born", [dt.date(1995, 1, 1), dt.date(2025, 6, 1)])
    def test_age_at_referral_outside_0_to_25_is_refused(self, service, born):
        form = self.referral(service, factories.patient(provider=service["provider"], date_of_birth=born))
        assert not form.is_valid()
        assert any(
            "this service accepts referrals for ages 0 to 25" in e
            or "before the patient's date of birth" in e
            for e in form.errors["referral_date"]
        )

    def test_age_26_at_referral_names_the_age(self, service):
        form = self.referral(
            service, factories.patient(provider=service["provider"], date_of_birth=dt.date(1999, 2, 28))
        )
        assert not form.is_valid()
        assert form.errors["referral_date"] == [
            "The patient is 26 at referral; this service accepts referrals for ages 0 to 25."
        ]

    def test_a_second_open_referral_to_the_same_team_is_refused(self, service):
        patient = factories.patient(provider=service["provider"])
        factories.case(service["team_a"], patient)
        form = self.referral(service, patient)
        assert not form.is_valid()
        assert form.errors["team"] == ["This patient already has an open referral with this team."]

    def test_a_referral_to_another_team_is_allowed_while_one_is_open(self, service):
        patient = factories.patient(provider=service["provider"])
        factories.case(service["team_a"], patient)
        service["clinician"].teams.add(service["team_b"])
        assert self.referral(service, patient, team=service["team_b"].pk).is_valid()

    def test_the_database_itself_refuses_two_open_cases_for_one_patient_and_team(self, service):
        patient = factories.patient(provider=service["provider"])
        factories.case(service["team_a"], patient)
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.case(service["team_a"], patient)

    def test_a_closed_case_does_not_block_a_new_referral(self, service):
        patient = factories.patient(provider=service["provider"])
        factories.case(
            service["team_a"], patient, closed_date=dt.date(2025, 5, 1), discharge_reason="completed"
        )
        assert self.referral(service, patient, referral_date="2025-06-01").is_valid()

    def test_a_team_outside_the_users_scope_cannot_be_chosen(self, service):
        elsewhere = factories.team()
        form = self.referral(service, factories.patient(provider=service["provider"]), team=elsewhere.pk)
        assert not form.is_valid()
        assert "team" in form.errors

    def test_only_teams_of_the_patients_provider_can_be_chosen(self, service):
        other = factories.team()
        service["clinician"].teams.add(other)
        form = self.referral(service, factories.patient(provider=service["provider"]), team=other.pk)
        assert not form.is_valid()
        assert "team" in form.errors


@pytest.mark.django_db
class TestContactAndDischarge:
    def test_a_contact_before_the_referral_is_refused(self, service):
        case = factories.case(service["team_a"], referral_date=dt.date(2025, 3, 1))
        form = ContactForm(
            data={
                "starts_at": "2025-02-27T10:00",
                "duration_minutes": 60,
                "attendance": "attended",
                "mode": "face_to_face",
                "clinician": service["clinician"].pk,
            },
            case=case,
            user=service["clinician"],
        )
        assert not form.is_valid()
        assert form.errors["starts_at"] == [
            "The contact date (27/02/2025) is before the referral date (01/03/2025)."
        ]

    def test_a_clinician_without_a_profession_cannot_be_recorded_on_a_contact(self, service):
        case = factories.case(service["team_a"])
        no_profession = factories.user(Role.CLINICIAN, teams=(service["team_a"],), profession=None)
        form = ContactForm(
            data={
                "starts_at": "2025-04-01T10:00",
                "duration_minutes": 30,
                "attendance": "attended",
                "mode": "video",
                "clinician": no_profession.pk,
            },
            case=case,
            user=service["clinician"],
        )
        assert not form.is_valid()
        assert "no profession recorded" in form.errors["clinician"][0]

    def test_a_discharge_before_the_referral_is_refused(self, service):
        case = factories.case(service["team_a"], referral_date=dt.date(2025, 3, 1))
        form = DischargeForm(
            data={"closed_date": "2025-02-01", "discharge_reason": "completed"}, instance=case
        )
        assert not form.is_valid()
        assert form.errors["closed_date"] == [
            "The discharge date (01/02/2025) is before the referral date (01/03/2025)."
        ]


@pytest.mark.django_db
class TestRefusedFormsSaveNothing:
    def test_posting_a_bad_patient_re_renders_with_the_message_and_saves_nothing(self, client, service):
        client.force_login(service["clinician"])
        response = client.post("/patients/new/", {**GOOD_PATIENT, "nhs_number": "9434765918"})
        assert response.status_code == 200
        assert "check digit does not match" in response.content.decode()
        assert 'value="Maya"' in response.content.decode()
        assert not Patient.objects.exists()

    def test_posting_a_bad_contact_saves_nothing(self, client, service):
        case = factories.case(service["team_a"])
        client.force_login(service["clinician"])
        response = client.post(
            f"/cases/{case.pk}/contacts/new/",
            {
                "starts_at": "2020-01-01T10:00",
                "duration_minutes": 60,
                "attendance": "attended",
                "mode": "face_to_face",
                "clinician": service["clinician"].pk,
            },
        )
        assert response.status_code == 200
        assert "is before the referral date" in response.content.decode()
        assert not case.contacts.exists()

    def test_a_good_journey_through_the_forms_records_everything(self, client, service):
        client.force_login(service["clinician"])
        response = client.post("/patients/new/", keyed(GOOD_PATIENT))
        patient = Patient.objects.get()
        assert response.url == f"/patients/{patient.pk}/referrals/new/"
        response = client.post(
            response.url,
            keyed(
                {
                    "team": service["team_a"].pk,
                    "referral_date": "2025-03-01",
                    "referral_source": "gp",
                    "commissioner": service["commissioner"].pk,
                    "accepted_date": "2025-03-03",
                }
            ),
        )
        case = Case.objects.get()
        assert response.url == f"/cases/{case.pk}/"
        client.post(
            f"/cases/{case.pk}/contacts/new/",
            keyed(
                {
                    "starts_at": "2025-03-05T14:30",
                    "duration_minutes": 45,
                    "attendance": "dna",
                    "mode": "video",
                    "clinician": service["clinician"].pk,
                }
            ),
        )
        contact = case.contacts.get()
        assert (contact.duration_minutes, contact.attendance, contact.profession.code) == (
            45,
            "dna",
            "mh_nurse",
        )


@pytest.mark.django_db
class TestPatientsOfAProvider:
    def register(self, client, clinician, nhs_number="943 476 5919"):
        client.force_login(clinician)
        return client.post("/patients/new/", keyed({**GOOD_PATIENT, "nhs_number": nhs_number}))

    def test_a_number_known_only_to_another_provider_registers_normally(self, client, service):
        south = factories.patient(nhs_number="9434765919")  # another provider's record
        response = self.register(client, service["clinician"])
        assert response.status_code == 302
        north = Patient.objects.exclude(pk=south.pk).get()
        assert north.provider == service["provider"] and north.nhs_number == south.nhs_number

    def test_a_duplicate_within_the_provider_still_says_already_registered(self, client, service):
        factories.patient(nhs_number="9434765919", provider=service["provider"])
        page = self.register(client, service["clinician"]).content.decode()
        assert "A patient with this NHS number is already registered." in page
        assert Patient.objects.count() == 1

    def test_the_database_refuses_a_second_record_of_one_number_in_one_provider(self, service):
        factories.patient(nhs_number="9434765919", provider=service["provider"])
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.patient(nhs_number="9434765919", provider=service["provider"])

    def test_an_unreferred_patient_is_not_visible_from_another_provider(self, service):
        registered = factories.patient(registered_by=service["clinician"], provider=factories.provider())
        assert not Patient.objects.visible_to(service["clinician"]).filter(pk=registered.pk).exists()
