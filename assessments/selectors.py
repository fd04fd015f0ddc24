"""Reads of case records, always scoped through Case.objects.visible_to."""

import re

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from accounts.models import User
from assessments import nhs_number
from assessments.measures import MEASURES
from assessments.models import Case, Contact, Informant, ScoringRules
from assessments.scoring import MissingDataRules
from groupings.models import Allocation


def caseload(user: User, query: str = "") -> QuerySet[Case]:
    """Open cases of the user's teams with their current grouping, optionally narrowed by name or NHS number."""
    current = Allocation.objects.filter(case=OuterRef("pk"), end_date__isnull=True)
    cases = (
        Case.objects.visible_to(user)
        .open()
        .select_related("patient", "team")
        .annotate(
            grouping_code=Subquery(current.values("grouping__code")[:1]),
            review_due=Subquery(current.values("review_due")[:1]),
        )
    )
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


def current_scoring_rules() -> ScoringRules:
    rules = ScoringRules.objects.filter(is_current=True).first()
    if rules is None:
        raise ScoringRules.DoesNotExist(
            "No scoring rules are marked current; an administrator must choose them."
        )
    return rules


def as_parameters(rules: ScoringRules) -> MissingDataRules:
    return MissingDataRules(
        rcads_max_missing_per_subscale=rules.rcads_max_missing_per_subscale,
        honosca_max_not_known=rules.honosca_max_not_known,
    )


def missing_data_rules() -> MissingDataRules:
    """The current missing-data rules of RCADS and HoNOSCA, from reference data."""
    return as_parameters(current_scoring_rules())


def measure_links() -> list[tuple[str, str, str]]:
    """(measure, informant, label) of every measure a clinician can record."""
    return [
        (spec.code, informant, f"{spec.label} ({Informant(informant).label.lower()})")
        for spec in MEASURES.values()
        for informant in spec.informants
    ]
