"""Corrections keep history, and every record names who made it (issue 15, part 4)."""

import datetime as dt

import pytest

from accounts.audit import Action, AuditEvent
from accounts.models import Role
from assessments import services
from assessments.models import Goal, MeasureResponse
from assessments.scoring import Answers
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(service):
    return factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))


@pytest.fixture
def colleague(service):
    return factories.user(Role.CLINICIAN, teams=(service["team_a"],))


def sdq_answers(**changes: int | None) -> Answers:
    return Answers(items={n: 0 for n in range(1, 26)} | {int(k[1:]): v for k, v in changes.items()})


def test_a_corrected_measure_keeps_each_earlier_version_and_who_recorded_it(service, case, colleague):
    clinician = service["clinician"]
    response = services.record_measure(
        by=clinician,
        case=case,
        measure="sdq",
        informant="parent",
        completed_on=dt.date(2025, 2, 1),
        answers=sdq_answers(),
    )
    first_answers = response.answers
    services.correct_measure(by=colleague, response=response, answers=sdq_answers(q3=2), version=1)
    services.correct_measure(
        by=clinician,
        response=response,
        answers=sdq_answers(q3=2, q8=1),
        completed_on=dt.date(2025, 2, 2),
        version=2,
    )
    corrected = MeasureResponse.objects.get(pk=response.pk)
    assert corrected.recorded_by == clinician and corrected.corrected_by == clinician
    versions = list(corrected.earlier_versions.order_by("pk"))
    assert [v.recorded_by for v in versions] == [clinician, colleague]
    assert versions[0].answers == first_answers and versions[0].completed_on == dt.date(2025, 2, 1)
    assert versions[1].answers["3"] == 2 and versions[1].answers["8"] == 0
    assert corrected.answers["8"] == 1


def test_a_correction_is_audited_with_the_names_of_the_changed_items_only(service, case):
    response = services.record_measure(
        by=service["clinician"],
        case=case,
        measure="sdq",
        informant="parent",
        completed_on=dt.date(2025, 2, 1),
        answers=sdq_answers(),
    )
    services.correct_measure(
        by=service["clinician"],
        response=response,
        version=response.version,
        answers=sdq_answers(q3=2),
        completed_on=dt.date(2025, 2, 3),
    )
    event = AuditEvent.objects.get(action=Action.CORRECT_MEASURE)
    assert event.changed_fields == ["answers.3", "completed_on"]
    assert (event.object_type, event.object_id) == ("assessments.measureresponse", str(response.pk))
    assert (event.case_id, event.patient_id) == (case.pk, case.patient_id)


def test_discharges_goals_and_contacts_record_their_actor(service, case):
    clinician = service["clinician"]
    contact = services.record_contact(
        by=clinician,
        case=case,
        starts_at=dt.datetime(2025, 2, 1, 10, tzinfo=dt.UTC),
        duration_minutes=60,
        attendance="attended",
        mode="face_to_face",
        clinician=clinician,
    )
    services.set_goal(
        by=clinician, case=case, number=1, description="Sleep better", agreed_on=dt.date(2025, 2, 1)
    )
    discharged = services.discharge_case(
        by=clinician,
        case=case,
        closed_date=dt.date(2025, 6, 1),
        discharge_reason="completed",
        version=case.version,
    )
    assert contact.recorded_by == clinician
    assert Goal.objects.get(case=case).recorded_by == clinician
    assert discharged.discharged_by == clinician
    actions = list(AuditEvent.objects.filter(case_id=case.pk).order_by("pk").values_list("action", flat=True))
    assert actions == [Action.RECORD_CONTACT, Action.SET_GOAL, Action.DISCHARGE_CASE]
    assert AuditEvent.objects.filter(patient_id=case.patient_id).count() == 3


def test_no_audit_event_holds_clinical_content(service, case):
    services.set_goal(
        by=service["clinician"],
        case=case,
        number=1,
        description="Sleep better",
        agreed_on=dt.date(2025, 2, 1),
    )
    stored = str(list(AuditEvent.objects.values()))
    for content in (
        "Sleep better",
        case.patient.given_name,
        case.patient.family_name,
        case.patient.nhs_number,
    ):
        assert content not in stored


def test_the_case_page_says_who_corrected_a_measure_and_how_many_versions_it_had(client, service, case):
    response = services.record_measure(
        by=service["clinician"],
        case=case,
        measure="sdq",
        informant="parent",
        completed_on=dt.date(2025, 2, 1),
        answers=sdq_answers(),
    )
    services.correct_measure(by=service["clinician"], response=response, answers=sdq_answers(q3=1), version=1)
    services.correct_measure(by=service["clinician"], response=response, answers=sdq_answers(q3=2), version=2)
    client.force_login(service["clinician"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"corrected by {service['clinician'].display_name}" in page and "(2 earlier versions)" in page
