"""State changes of case records: each validates its invariants and writes in one transaction."""

from django.db import IntegrityError, transaction

from accounts.models import User
from assessments.models import Case, Contact, Patient


class CaseConflict(Exception):
    """A write that the database refused because another one got there first."""


@transaction.atomic
def register_patient(*, by: User, **fields) -> Patient:
    return Patient.objects.create(registered_by=by, **fields)


def open_referral(*, by: User, patient: Patient, **fields) -> Case:
    try:
        with transaction.atomic():
            return Case.objects.create(patient=patient, **fields)
    except IntegrityError as error:
        raise CaseConflict("This patient already has an open referral with this team.") from error


@transaction.atomic
def record_contact(*, by: User, case: Case, **fields) -> Contact:
    clinician = fields["clinician"]
    return Contact.objects.create(case=case, profession_id=clinician.profession_id, **fields)


@transaction.atomic
def discharge_case(*, by: User, case: Case, closed_date, discharge_reason: str) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    locked.closed_date = closed_date
    locked.discharge_reason = discharge_reason
    locked.save(update_fields=["closed_date", "discharge_reason"])
    return locked
