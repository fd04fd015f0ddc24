"""State changes of case records: each validates its invariants and writes in one transaction."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from assessments import limits, measures
from assessments.models import Case, Contact, CurrentView, Goal, MeasureResponse, MeasureScore, Patient
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
    return Patient.objects.create(registered_by=by, **fields)


def open_referral(*, by: User, patient: Patient, **fields) -> Case:
    _refuse_implausible(limits.RECORD_DATE, "referral date", fields["referral_date"])
    _refuse_implausible(limits.RECORD_DATE, "acceptance date", fields.get("accepted_date"))
    try:
        with transaction.atomic():
            return Case.objects.create(patient=patient, **fields)
    except IntegrityError as error:
        raise CaseConflict(limits.ONE_OPEN_REFERRAL_PER_TEAM) from error


@transaction.atomic
def record_contact(*, by: User, case: Case, **fields) -> Contact:
    if not limits.CONTACT_MINUTES.contains(fields["duration_minutes"]):
        raise RecordRefused(limits.CONTACT_MINUTES.sentence)
    _refuse_implausible(limits.CONTACT_DATE, "contact date", fields["starts_at"])
    clinician = fields["clinician"]
    return Contact.objects.create(case=case, profession_id=clinician.profession_id, **fields)


@transaction.atomic
def discharge_case(*, by: User, case: Case, closed_date, discharge_reason: str) -> Case:
    _refuse_implausible(limits.RECORD_DATE, "discharge date", closed_date)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    locked.closed_date = closed_date
    locked.discharge_reason = discharge_reason
    locked.save(update_fields=["closed_date", "discharge_reason"])
    return locked


@transaction.atomic
def record_current_view(
    *, by: User, case: Case, completed_on, reason: str, practitioner: User, ratings: dict
) -> CurrentView:
    """Save a completed Current View (SPEC §2): ratings keyed by item id, None for Not known."""
    _refuse_implausible(limits.RECORD_DATE, "date completed", completed_on)
    return CurrentView.objects.create(
        case=case,
        completed_on=completed_on,
        reason=reason,
        practitioner=practitioner,
        recorded_by=by,
        **ratings,
    )


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
    return response


@transaction.atomic
def correct_measure(
    *, by: User, response: MeasureResponse, answers: Answers, completed_on=None
) -> MeasureResponse:
    """Correct the answers of a response; its scores are recomputed."""
    _refuse_implausible(limits.RECORD_DATE, "date completed", completed_on)
    locked = MeasureResponse.objects.select_for_update().get(pk=response.pk)
    locked.set_answers(answers)
    if completed_on:
        locked.completed_on = completed_on
    locked.save(update_fields=["answers", "completed_on", "updated_at"])
    _rescore(locked, answers)
    return locked


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
        case=case, number=number, defaults={"description": description, "agreed_on": agreed_on}
    )
    return goal
