"""Reads of case records, always scoped through Case.objects.visible_to."""

import re

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from assessments import nhs_number
from assessments.models import Case, Contact


def caseload(user: User, query: str = "") -> QuerySet[Case]:
    """Open cases of the user's teams, optionally narrowed by name or NHS number."""
    cases = Case.objects.visible_to(user).open().select_related("patient", "team")
    query = query.strip()
    if not query:
        return cases.order_by("patient__family_name", "patient__given_name", "pk")
    digits = re.sub(r"[\s-]", "", query)
    if digits.isdigit():
        cases = cases.filter(patient__nhs_number=digits) if nhs_number.is_valid(digits) else cases.none()
    else:
        for term in query.split():
            cases = cases.filter(
                Q(patient__given_name__icontains=term) | Q(patient__family_name__icontains=term)
            )
    return cases.order_by("patient__family_name", "patient__given_name", "pk")


def case_for(user: User, pk: int) -> Case:
    """One case the user may see, or Case.DoesNotExist."""
    return Case.objects.visible_to(user).select_related("patient", "team", "commissioner").get(pk=pk)


def other_cases_of_patient(user: User, case: Case) -> QuerySet[Case]:
    return (
        Case.objects.visible_to(user)
        .filter(patient_id=case.patient_id)
        .exclude(pk=case.pk)
        .select_related("team")
        .annotate(contact_count=Count("contacts"))
    )


def contacts_of(case: Case) -> QuerySet[Contact]:
    return case.contacts.select_related("clinician", "profession").order_by("-starts_at")
