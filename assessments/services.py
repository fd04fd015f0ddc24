"""State changes of case records: each validates its invariants and writes in one transaction."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import Action, record
from accounts.models import User
from assessments import limits, measures
from assessments.models import (
    Case,
    Contact,
    CurrentView,
    Goal,
    MeasureResponse,
    MeasureResponseVersion,
    MeasureScore,
    Patient,
)
from assessments.scoring import Answers
from assessments.selectors import as_parameters, current_scoring_rules
from camhs_pbr.lib.text import RefusedText, clean_text


class CaseConflict(Exception):
    """A write that the database refused because another one got there first."""


class RecordRefused(ValueError):
    """A write refused because it breaks a limit of case records; the message is for the user."""


def _refuse_implausible(limit: limits.DateRange, what: str, value: dt.date | None) -> None:
    """The form's date limits again, for callers other than the forms (commands, tasks, the shell)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    error = value and limit.error(what, value, timezone.localdate())
    if error:
        raise RecordRefused(error)


def _refuse_hidden_characters(*texts: str) -> None:
    for text in texts:
        try:
            clean_text(text)
        except RefusedText as error:
            raise RecordRefused(str(error)) from error


@transaction.atomic
def register_patient(*, by: User, **fields) -> Patient:
    _refuse_implausible(limits.DATE_OF_BIRTH, "date of birth", fields["date_of_birth"])
    _refuse_hidden_characters(fields["given_name"], fields["family_name"], fields["postcode"])
    patient = Patient.objects.create(registered_by=by, **fields)
    record(Action.REGISTER_PATIENT, by=by, target=patient, patient_id=patient.pk)
    return patient


def open_referral(*, by: User, patient: Patient, **fields) -> Case:
    _refuse_implausible(limits.RECORD_DATE, "referral date", fields["referral_date"])
    _refuse_implausible(limits.RECORD_DATE, "acceptance date", fields.get("accepted_date"))
    try:
        with transaction.atomic():
            case = Case.objects.create(patient=patient, **fields)
            record(Action.OPEN_REFERRAL, by=by, target=case, case=case)
            return case
    except IntegrityError as error:
        raise CaseConflict(limits.ONE_OPEN_REFERRAL_PER_TEAM) from error


@transaction.atomic
def record_contact(*, by: User, case: Case, **fields) -> Contact:
    if not limits.CONTACT_MINUTES.contains(fields["duration_minutes"]):
        raise RecordRefused(limits.CONTACT_MINUTES.sentence)
    _refuse_implausible(limits.CONTACT_DATE, "contact date", fields["starts_at"])
    clinician = fields["clinician"]
    contact = Contact.objects.create(
        case=case, profession_id=clinician.profession_id, recorded_by=by, **fields
    )
    record(Action.RECORD_CONTACT, by=by, target=contact, case=case)
    return contact


@transaction.atomic
def discharge_case(*, by: User, case: Case, closed_date, discharge_reason: str) -> Case:
    _refuse_implausible(limits.RECORD_DATE, "discharge date", closed_date)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    locked.closed_date = closed_date
    locked.discharge_reason = discharge_reason
    locked.discharged_by = by
    locked.save(update_fields=["closed_date", "discharge_reason", "discharged_by"])
    record(
        Action.DISCHARGE_CASE, by=by, target=locked, case=locked, changed=["closed_date", "discharge_reason"]
    )
    return locked


@transaction.atomic
def record_current_view(
    *, by: User, case: Case, completed_on, reason: str, practitioner: User, ratings: dict
) -> CurrentView:
    """Save a completed Current View (SPEC §2): ratings keyed by item id, None for Not known."""
    _refuse_implausible(limits.RECORD_DATE, "date completed", completed_on)
    current_view = CurrentView.objects.create(
        case=case,
        completed_on=completed_on,
        reason=reason,
        practitioner=practitioner,
        recorded_by=by,
        **ratings,
    )
    record(Action.RECORD_CURRENT_VIEW, by=by, target=current_view, case=case)
    return current_view


@transaction.atomic
def record_measure(
    *, by: User, case: Case, measure: str, informant: str, completed_on, answers: Answers
) -> MeasureResponse:
    """Save a completed measure with its scores (SPEC §6), scored by the current scoring rules."""
    _refuse_implausible(limits.RECORD_DATE, "date completed", completed_on)
    response = MeasureResponse(
        case=case, measure=measure, informant=informant, completed_on=completed_on, recorded_by=by
    )
    response.set_answers(answers)
    response.save()
    _rescore(response, answers)
    record(Action.RECORD_MEASURE, by=by, target=response, case=case)
    return response


@transaction.atomic
def correct_measure(
    *, by: User, response: MeasureResponse, answers: Answers, completed_on=None
) -> MeasureResponse:
    """Correct the answers of a response; its scores are recomputed and the earlier answers kept, with who
    recorded them, as a MeasureResponseVersion."""
    _refuse_implausible(limits.RECORD_DATE, "date completed", completed_on)
    locked = MeasureResponse.objects.select_for_update().get(pk=response.pk)
    earlier = _keep_earlier_version(locked)
    locked.set_answers(answers)
    if completed_on:
        locked.completed_on = completed_on
    locked.corrected_by, locked.corrected_at = by, timezone.now()
    locked.save(update_fields=["answers", "completed_on", "updated_at", "corrected_by", "corrected_at"])
    _rescore(locked, answers)
    record(Action.CORRECT_MEASURE, by=by, target=locked, case=locked.case, changed=_changed(earlier, locked))
    return locked


def _keep_earlier_version(response: MeasureResponse) -> MeasureResponseVersion:
    return MeasureResponseVersion.objects.create(
        response=response,
        completed_on=response.completed_on,
        answers=response.answers,
        recorded_by_id=response.answers_recorded_by_id,
        recorded_at=response.answers_recorded_at,
    )


def _changed(earlier: MeasureResponseVersion, response: MeasureResponse) -> list[str]:
    """Names of what a correction changed: `completed_on` and `answers.<item>`, never the answers."""
    items = set(earlier.answers) | set(response.answers)
    changed = [f"answers.{item}" for item in items if earlier.answers.get(item) != response.answers.get(item)]
    return changed + (["completed_on"] if earlier.completed_on != response.completed_on else [])


def _rescore(response: MeasureResponse, answers: Answers) -> None:
    rules = current_scoring_rules()
    scores = measures.score_answers(response.measure, response.informant, answers, as_parameters(rules))
    response.scores.all().delete()
    MeasureScore.objects.bulk_create(
        [MeasureScore(response=response, scale=scale, value=value) for scale, value in scores.items()]
    )
    response.scoring_rules = rules
    response.save(update_fields=["scoring_rules"])


@transaction.atomic
def set_goal(*, by: User, case: Case, number: int, description: str, agreed_on) -> Goal:
    """Agree goal 1, 2 or 3 of a case; a new description replaces the old one."""
    _refuse_implausible(limits.RECORD_DATE, "agreement date", agreed_on)
    _refuse_hidden_characters(description)
    goal, _ = Goal.objects.update_or_create(
        case=case,
        number=number,
        defaults={"description": description, "agreed_on": agreed_on, "recorded_by": by},
    )
    record(Action.SET_GOAL, by=by, target=goal, case=case, changed=["description", "agreed_on"])
    return goal
