"""Reads of case records, always scoped through Case.objects.visible_to."""

from collections.abc import Iterable, Sequence

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from accounts.audit import latest_admin_change
from accounts.models import Provider, Team, User
from assessments import case_page, caseload_search
from assessments.choices import Attendance
from assessments.measures import MEASURES
from assessments.models import (
    Case,
    Contact,
    ContactVersion,
    CurrentView,
    Informant,
    Patient,
    ScoringRules,
)
from assessments.scoring import MissingDataRules
from camhs_pbr.figures_cache import Latest, kept_ids, stamp

# A caseload's order is kept a day after it was last sorted (and sorted again at once after any change).
CASELOAD_KEPT_SECONDS = 24 * 60 * 60


def caseload(user: User, query: str = "", sort: str = caseload_search.DEFAULT_SORT) -> QuerySet[Case]:
    """Open referrals (accepted or not) of the user's teams, sorted (caseload_search.SORTS), optionally narrowed by a name, an NHS
    number or a case reference.

    Bare cases, cheap to count and to slice a page from; `caseload_rows` adds the columns to one page's."""
    cases = Case.objects.visible_to(user).open_referrals()
    search = caseload_search.parse(query)
    if search.kind == "nothing":
        cases = cases.none()
    elif search.kind == "nhs_number":
        cases = cases.filter(patient__nhs_number=search.value)
    elif search.kind == "reference":
        assert isinstance(search.value, int)
        cases = cases.filter(pk=search.value)
    elif search.kind == "name":
        assert isinstance(search.value, tuple)
        for term in search.value:
            cases = cases.filter(
                Q(patient__given_name__icontains=term) | Q(patient__family_name__icontains=term)
            )
    return cases.order_by(*caseload_search.SORTS[caseload_search.sort_or_default(sort)][1])


def caseload_sources() -> tuple[Latest, ...]:
    """What decides which cases a caseload lists and in what order: a new, closed, reopened or moved case, a
    new patient, and any change in the admin (a corrected name, a team's members)."""
    return (
        (Case.objects.all(), "updated_at"),
        (Case.objects.all(), "pk"),
        (Patient.objects.all(), "pk"),
        latest_admin_change(),
    )


def caseload_stamp() -> tuple:
    """The latest of `caseload_sources()`, in one query."""
    return stamp(*caseload_sources())


def caseload_ids(user: User, query: str = "", sort: str = caseload_search.DEFAULT_SORT) -> Sequence[int]:
    """The ids of `caseload(user, query, sort)`, for a page to be sliced from. Without a search they are kept
    in the cache under the teams in scope, the sort and `caseload_stamp()`: a service's whole caseload sorted
    by name costs PostgreSQL tens of milliseconds for every page otherwise. A search's are read in one query
    (rather than a count and a slice, each a scan of the names) and not kept: its terms are names and NHS
    numbers."""
    cases = caseload(user, query, sort).values_list("pk", flat=True)
    if query:
        return list(cases)
    teams = Team.objects.ids_in_scope_of(user)
    return kept_ids("assessments.caseload", (teams, sort, caseload_stamp()), cases, CASELOAD_KEPT_SECONDS)


def current_views_latest_first() -> QuerySet[CurrentView]:
    """Current Views of the case of the outer query, latest first (the index on case, date completed, id): its
    first row is the case's Current View in force."""
    return CurrentView.objects.filter(case=OuterRef("pk")).order_by("-completed_on", "-pk")


def attended_contacts() -> QuerySet[Contact]:
    """Attended contacts of the case of the outer query."""
    return Contact.objects.filter(case=OuterRef("pk"), attendance=Attendance.ATTENDED)


def attended_contacts_of(clinician: User) -> QuerySet[Contact]:
    """Attended contacts the clinician held, of any case."""
    return Contact.objects.filter(clinician=clinician, attendance=Attendance.ATTENDED)


def lead_clinician() -> Subquery:
    """The clinician of the case's (outer query's) most recent attended contact, None when never seen: the
    case's clinician for the managers' dashboard and for "my reviews" (there is no lead-clinician field)."""
    latest = attended_contacts().order_by("-starts_at", "-pk")
    return Subquery(latest.values("clinician_id")[:1], output_field=IntegerField())


def caseload_rows(user: User, pks: Iterable[int]) -> list[Case]:
    """The cases `pks` (one page of the caseload), in that order, with the registered caseload columns."""
    pks = list(pks)
    rows = case_page.with_caseload_columns(
        Case.objects.visible_to(user).filter(pk__in=pks).select_related("patient", "team")
    )
    by_pk = {case.pk: case for case in rows}
    return [by_pk[pk] for pk in pks if pk in by_pk]


def visible_case(user: User, pk: int) -> Case:
    """One case the user may see, or 404 (the same answer whether it exists elsewhere or not at all)."""
    return get_object_or_404(
        Case.objects.visible_to(user).select_related("patient", "team", "commissioner", "discharged_by"),
        pk=pk,
    )


def other_cases_of_patient(user: User, case: Case) -> QuerySet[Case]:
    return (
        Case.objects.visible_to(user)
        .filter(patient_id=case.patient_id)
        .exclude(pk=case.pk)
        .select_related("team")
        .annotate(contact_count=Count("contacts"))
    )


def contacts_of(case: Case) -> QuerySet[Contact]:
    """A case's contacts as they now read, latest first, each with its earlier versions (latest first)."""
    earlier = ContactVersion.objects.select_related("clinician", "profession", "recorded_by", "corrected_by")
    return (
        case.contacts.select_related("clinician", "profession", "recorded_by", "corrected_by")
        .prefetch_related(Prefetch("earlier_versions", queryset=earlier))
        .order_by("-starts_at")
    )


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


def registering_providers(user: User) -> QuerySet[Provider]:
    """The providers in whose records `user` may register a patient: a service manager's own, otherwise those
    of the user's teams (a clinician in teams of several providers chooses one)."""
    if user.provider_id:
        return Provider.objects.filter(pk=user.provider_id)
    return Provider.objects.in_scope_of(user).order_by("name", "pk")
