"""State changes of case records: each validates its invariants and writes in one transaction."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import Action, record
from accounts.models import Provider, User
from assessments import discharge, item_wording, limits, measures
from assessments.models import (
    Case,
    CaseReopening,
    Contact,
    ContactVersion,
    CurrentView,
    CurrentViewVersion,
    Goal,
    MeasureItemWording,
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


class EditConflict(CaseConflict):
    """An edit made on a page opened before someone else changed the same record: nothing was saved.

    The message says what changed and when; `current_version` lets the page offer to save again over it."""

    def __init__(self, message: str, current_version: int) -> None:
        super().__init__(message)
        self.current_version = current_version


def when(moment: dt.datetime) -> str:
    """A time of a change in plain words: "14:05 on 03/06/2025"."""
    return f"{timezone.localtime(moment):%H:%M on %d/%m/%Y}"


def open_case_for_writing(case: Case) -> Case:
    """Lock the case for the rest of the transaction; a closed case refuses every new record."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not locked.is_open:
        raise RecordRefused(limits.CASE_CLOSED)
    return locked


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


def register_patient(*, by: User, provider: Provider, **fields) -> Patient:
    """Register a patient as a record of `provider`; the NHS number must be new to that provider only."""
    _refuse_implausible(limits.DATE_OF_BIRTH, "date of birth", fields["date_of_birth"])
    _refuse_hidden_characters(fields["given_name"], fields["family_name"], fields["postcode"])
    try:
        with transaction.atomic():
            patient = Patient.objects.create(registered_by=by, provider=provider, **fields)
            record(Action.REGISTER_PATIENT, by=by, target=patient, patient_id=patient.pk)
            return patient
    except IntegrityError as error:
        raise RecordRefused(limits.PATIENT_ALREADY_REGISTERED) from error


def open_referral(*, by: User, patient: Patient, **fields) -> Case:
    _refuse_implausible(limits.RECORD_DATE, "referral date", fields["referral_date"])
    _refuse_implausible(limits.RECORD_DATE, "acceptance date", fields.get("accepted_date"))
    if fields["team"].provider_id != patient.provider_id:
        raise RecordRefused("A referral is to a team of the provider that holds the patient's record.")
    try:
        with transaction.atomic():
            case = Case.objects.create(patient=patient, **fields)
            record(Action.OPEN_REFERRAL, by=by, target=case, case=case)
            return case
    except IntegrityError as error:
        raise CaseConflict(limits.ONE_OPEN_REFERRAL_PER_TEAM) from error


def _refuse_read_only(case: Case) -> None:
    """A referral from the records system, and its contacts, are corrected there (issue 31)."""
    if case.from_records_system:
        raise RecordRefused(limits.FROM_RECORDS_SYSTEM)


@transaction.atomic
def record_contact(*, by: User, case: Case, **fields) -> Contact:
    _refuse_read_only(case)
    open_case_for_writing(case)
    if not limits.CONTACT_MINUTES.contains(fields["duration_minutes"]):
        raise RecordRefused(limits.CONTACT_MINUTES.sentence)
    _refuse_implausible(limits.CONTACT_DATE, "contact date", fields["starts_at"])
    clinician = fields["clinician"]
    contact = Contact.objects.create(
        case=case, profession_id=clinician.profession_id, recorded_by=by, **fields
    )
    record(Action.RECORD_CONTACT, by=by, target=contact, case=case)
    return contact


CONTACT_DETAILS = ("starts_at", "duration_minutes", "attendance", "mode", "clinician")


def _correction_reason(reason: str) -> str:
    """A correction's reason, required and plain text (it is shown on the case page)."""
    if not reason.strip():
        raise RecordRefused(limits.CORRECTION_NEEDS_REASON)
    try:
        return clean_text(reason.strip(), multiline=True)
    except RefusedText as error:
        raise RecordRefused(str(error)) from error


def _stale(record: Contact | CurrentView, what: str) -> EditConflict:
    by_whom = f" by {record.corrected_by.display_name}" if record.corrected_by else ""
    return EditConflict(
        f"While you had this page open, {what} was corrected{by_whom} at {when(record.corrected_at or record.recorded_at)}. "
        "Nothing you entered was saved; it is kept below. Compare it with the case page, then save again to "
        "replace it.",
        record.version,
    )


@transaction.atomic
def correct_contact(
    *,
    by: User,
    contact: Contact,
    reason: str,
    version: int,
    starts_at: dt.datetime,
    duration_minutes: int,
    attendance: str,
    mode: str,
    clinician: User,
) -> Contact:
    """Correct a contact as seen at `version` (date and time, duration, attendance, mode, clinician), with a
    reason. The contact is changed in place, so every report counts it once; as it read before is kept, with
    who recorded it and who corrected it and why, as a ContactVersion."""
    if contact.from_records_system:  # corrected in the records system, arriving with its next extract
        raise RecordRefused(limits.FROM_RECORDS_SYSTEM)
    reason = _correction_reason(reason)
    details = {
        "starts_at": starts_at,
        "duration_minutes": duration_minutes,
        "attendance": attendance,
        "mode": mode,
        "clinician": clinician,
    }
    if not limits.CONTACT_MINUTES.contains(duration_minutes):
        raise RecordRefused(limits.CONTACT_MINUTES.sentence)
    _refuse_implausible(limits.CONTACT_DATE, "contact date", starts_at)
    open_case_for_writing(contact.case)
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    if locked.version != version:
        raise _stale(locked, "this contact")
    changed = [name for name in CONTACT_DETAILS if getattr(locked, name) != details[name]]
    if not changed:
        raise RecordRefused("Nothing was changed: correct at least one detail of the contact.")
    ContactVersion.objects.create(
        contact=locked,
        **{name: getattr(locked, name) for name in CONTACT_DETAILS},
        profession_id=locked.profession_id,
        recorded_by_id=locked.details_recorded_by_id,
        recorded_at=locked.details_recorded_at,
        corrected_by=by,
        correction_reason=reason,
    )
    for name, value in details.items():
        setattr(locked, name, value)
    if "clinician" in changed:  # the profession is the clinician's at the time of the contact
        if clinician.profession_id is None:
            raise RecordRefused("This clinician has no profession recorded; ask an administrator to add it.")
        locked.profession_id = clinician.profession_id
    locked.corrected_by, locked.corrected_at = by, timezone.now()
    locked.version += 1
    locked.save(update_fields=[*CONTACT_DETAILS, "profession", "corrected_by", "corrected_at", "version"])
    record(Action.CORRECT_CONTACT, by=by, target=locked, case=locked.case, changed=changed)
    return locked


@transaction.atomic
def discharge_case(*, by: User, case: Case, closed_date, discharge_reason: str, version: int) -> Case:
    """Close the case on `closed_date` as seen at `version`; registered steps (the open allocation) end too."""
    _refuse_implausible(limits.RECORD_DATE, "discharge date", closed_date)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    _refuse_read_only(locked)
    _check_case_version(locked, version)
    if not locked.is_open:
        raise RecordRefused("This case is already closed.")
    locked.closed_date = closed_date
    locked.discharge_reason = discharge_reason
    locked.discharged_by = by
    locked.version += 1
    locked.save(update_fields=["closed_date", "discharge_reason", "discharged_by", "version", "updated_at"])
    for step in discharge.discharge_steps():
        step(locked, closed_date)
    record(
        Action.DISCHARGE_CASE, by=by, target=locked, case=locked, changed=["closed_date", "discharge_reason"]
    )
    return locked


def reopen_case(*, by: User, case: Case, reason: str, version: int) -> Case:
    """Reopen a closed case, keeping the closure it undoes (date and reason) with why it was reopened."""
    if not reason.strip():
        raise RecordRefused(limits.REOPEN_NEEDS_REASON)
    try:
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            _refuse_read_only(locked)
            _check_case_version(locked, version)
            if locked.is_open:
                raise RecordRefused("This case is open already.")
            assert locked.closed_date is not None
            CaseReopening.objects.create(
                case=locked,
                closed_date=locked.closed_date,
                discharge_reason=locked.discharge_reason,
                reason=reason.strip(),
                reopened_by=by,
            )
            locked.closed_date, locked.discharge_reason, locked.discharged_by = None, "", None
            locked.version += 1
            locked.save(
                update_fields=["closed_date", "discharge_reason", "discharged_by", "version", "updated_at"]
            )
            record(
                Action.REOPEN_CASE,
                by=by,
                target=locked,
                case=locked,
                changed=["closed_date", "discharge_reason"],
            )
            return locked
    except IntegrityError as error:  # another open case of this patient with this team
        raise CaseConflict(limits.ONE_OPEN_REFERRAL_PER_TEAM) from error


def _check_case_version(locked: Case, version: int) -> None:
    if locked.version == version:
        return
    if locked.is_open:
        reopening = locked.reopenings.select_related("reopened_by").first()
        change = (
            f"it was reopened by {reopening.reopened_by.display_name} at {when(reopening.reopened_at)}"
            if reopening
            else f"it was changed at {when(locked.updated_at)}"
        )
    else:
        by_whom = f" by {locked.discharged_by.display_name}" if locked.discharged_by else ""
        change = (
            f"it was closed{by_whom} at {when(locked.updated_at)}: discharged on {locked.closed_date:%d/%m/%Y}, "
            f"{locked.get_discharge_reason_display().lower()}"
        )
    raise EditConflict(
        f"While you had this page open, {change}. Nothing you entered was saved; it is kept below.",
        locked.version,
    )


@transaction.atomic
def record_current_view(
    *, by: User, case: Case, completed_on, reason: str, practitioner: User, ratings: dict
) -> CurrentView:
    """Save a completed Current View (SPEC §2): ratings keyed by item id, None for Not known."""
    _refuse_implausible(limits.RECORD_DATE, "date completed", completed_on)
    open_case_for_writing(case)
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


CURRENT_VIEW_DETAILS = ("completed_on", "reason", "practitioner")


@transaction.atomic
def correct_current_view(
    *,
    by: User,
    current_view: CurrentView,
    reason: str,
    version: int,
    completed_on: dt.date,
    completing_reason: str,
    practitioner: User,
    ratings: dict,
) -> tuple[CurrentView, CurrentViewVersion]:
    """Correct a Current View as seen at `version`, with a reason (`completing_reason` is the form's own
    reason for completing). The view is changed in place, so everything downstream reads the current version
    only; as it read before is kept, with who recorded it and who corrected it and why, as a
    CurrentViewVersion. Its suggestions are the caller's to recompute (groupings)."""
    reason = _correction_reason(reason)
    _refuse_implausible(limits.RECORD_DATE, "date completed", completed_on)
    open_case_for_writing(current_view.case)
    locked = CurrentView.objects.select_for_update().get(pk=current_view.pk)
    if locked.version != version:
        raise _stale(locked, "this Current View")
    now = {"completed_on": completed_on, "reason": completing_reason, "practitioner": practitioner, **ratings}
    changed = [
        name for name in (*CURRENT_VIEW_DETAILS, *locked.ratings()) if getattr(locked, name) != now[name]
    ]
    if not changed:
        raise RecordRefused("Nothing was changed: correct at least one answer or detail of the form.")
    earlier = CurrentViewVersion.objects.create(
        current_view=locked,
        completed_on=locked.completed_on,
        reason=locked.reason,
        practitioner_id=locked.practitioner_id,
        ratings=locked.ratings(),
        recorded_by_id=locked.answers_recorded_by_id,
        recorded_at=locked.answers_recorded_at,
        corrected_by=by,
        correction_reason=reason,
    )
    for name, value in now.items():
        setattr(locked, name, value)
    locked.corrected_by, locked.corrected_at = by, timezone.now()
    locked.version += 1
    locked.save(update_fields=[*CURRENT_VIEW_DETAILS, *ratings, "corrected_by", "corrected_at", "version"])
    record(Action.CORRECT_CURRENT_VIEW, by=by, target=locked, case=locked.case, changed=changed)
    return locked, earlier


@transaction.atomic
def record_measure(
    *, by: User, case: Case, measure: str, informant: str, completed_on, answers: Answers
) -> MeasureResponse:
    """Save a completed measure with its scores (SPEC §6), scored by the current scoring rules."""
    _refuse_implausible(limits.RECORD_DATE, "date completed", completed_on)
    open_case_for_writing(case)
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
    *, by: User, response: MeasureResponse, answers: Answers, version: int, completed_on=None
) -> MeasureResponse:
    """Correct the answers of a response as seen at `version`; its scores are recomputed and the earlier
    answers kept, with who recorded them, as a MeasureResponseVersion."""
    _refuse_implausible(limits.RECORD_DATE, "date completed", completed_on)
    open_case_for_writing(response.case)
    locked = MeasureResponse.objects.select_for_update().get(pk=response.pk)
    if locked.version != version:
        raise EditConflict(
            f"While you had this page open, these answers were corrected"
            f"{f' by {locked.corrected_by.display_name}' if locked.corrected_by else ''} at {when(locked.updated_at)}. "
            "Nothing you entered was saved; it is kept below. Compare it with the answers on the case "
            "page, then save again to replace them.",
            locked.version,
        )
    earlier = _keep_earlier_version(locked)
    locked.set_answers(answers)
    if completed_on:
        locked.completed_on = completed_on
    locked.corrected_by, locked.corrected_at = by, timezone.now()
    locked.version += 1
    locked.save(
        update_fields=["answers", "completed_on", "updated_at", "corrected_by", "corrected_at", "version"]
    )
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
def set_goal(*, by: User, case: Case, number: int, description: str, agreed_on, version: int = 0) -> Goal:
    """Agree goal 1, 2 or 3 of a case, or reword it: `version` is the goal's as the page showed it (0: none)."""
    _refuse_implausible(limits.RECORD_DATE, "agreement date", agreed_on)
    _refuse_hidden_characters(description)
    open_case_for_writing(case)  # the case's lock makes concurrent saves of its goals take turns
    goal = Goal.objects.filter(case=case, number=number).first()
    if (goal.version if goal else 0) != version:
        if goal is None:
            change = f"goal {number} was removed"
        else:
            by_whom = f" by {goal.recorded_by.display_name}" if goal.recorded_by else ""
            change = f"goal {number} was {'agreed' if version == 0 else 'changed'}{by_whom} at {when(goal.updated_at)}"
        raise EditConflict(
            f"While you had this page open, {change}. Nothing you entered was saved; it is kept below. "
            "Read the goal on the case page, then save again to replace it.",
            goal.version if goal else 0,
        )
    if goal is None:
        goal = Goal.objects.create(
            case=case, number=number, description=description, agreed_on=agreed_on, recorded_by=by
        )
    else:
        goal.description, goal.agreed_on, goal.recorded_by = description, agreed_on, by
        goal.version += 1
        goal.save(update_fields=["description", "agreed_on", "recorded_by", "version", "updated_at"])
    record(Action.SET_GOAL, by=by, target=goal, case=case, changed=["description", "agreed_on"])
    return goal


def load_item_wording(*, by: User, measure: str, informant: str, content: bytes) -> int:
    """Replace the item wording of one measure (and informant, or "" for all) by a CSV file's, all at once.

    Raises item_wording.WordingRefused listing every problem of the file; nothing is written then."""
    spec = measures.measure(measure)
    if informant and informant not in spec.informants:
        raise item_wording.WordingRefused([f"{spec.label} has no {informant} form."])
    wording = item_wording.parse_wording(content, spec)
    with transaction.atomic():
        rows = MeasureItemWording.objects.filter(measure=measure, informant=informant)
        rows.delete()
        MeasureItemWording.objects.bulk_create(
            MeasureItemWording(measure=measure, informant=informant, item=item, text=text)
            for item, text in wording.items()
        )
        record(
            Action.ADMIN_CHANGE,
            by=by,
            object_type=MeasureItemWording._meta.label_lower,
            object_id=f"{measure}/{informant or 'all informants'}",
            changed=["text"],
        )
    return len(wording)
