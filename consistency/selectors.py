"""Reads of the consistency pages, each already scoped.

Managers see the audits of the teams in their scope, and an audit's cases only through
`Case.objects.visible_to` (the one rule). A second rater sees an audit case through `cases_to_rate(user)`:
the cases assigned to them, only while the audit is open. That grant is narrower than the one rule and apart
from it: it opens the audit's rating page and nothing else (not the caseload, the case page or a report),
so a clinician of another team asked for a second opinion does not gain the child's record."""

from django.db.models import Q, QuerySet

from accounts.models import CLINICAL_ROLES, MANAGER_ROLES, Role, Team, User
from assessments.current_view_items import ALL_ITEMS
from assessments.models import Case
from camhs_pbr.runs.models import RunStatus
from consistency.audit_agreement import RatedPair
from consistency.differences import differences
from consistency.models import AgreementRun, Audit, AuditCase, VignetteRating
from consistency.vignettes import clinician_agreement
from groupings.agreement import fleiss_kappa
from groupings.models import Allocation
from groupings.rules import NOT_KNOWN_CODE, pair_code


def audits_for(user: User) -> QuerySet[Audit]:
    """The audits a manager may see and run: of a team in their scope, or (service managers) of their whole
    provider; nothing for anyone else."""
    if not (user.is_authenticated and user.is_active and user.role in MANAGER_ROLES):
        return Audit.objects.none()
    of_teams = Q(team__in=Team.objects.in_scope_of(user))
    if user.role == Role.SERVICE_MANAGER and user.provider_id:
        of_teams |= Q(team__isnull=True, provider_id=user.provider_id)
    return Audit.objects.filter(of_teams)


def audit_cases_for_manager(user: User, audit: Audit) -> QuerySet[AuditCase]:
    """An audit's cases that the manager may see (the one rule), with what the audit page shows."""
    return (
        audit.cases.filter(case__in=Case.objects.visible_to(user))
        .select_related(
            "case__patient",
            "team",
            "auditor",
            "allocation__grouping",
            "allocation__add_on_grouping",
            "allocation__allocated_by",
            "rating",
        )
        .order_by("pk")
    )


def audit_cases_in_scope(user: User) -> QuerySet[AuditCase]:
    """The cases of every audit in the manager's scope that the manager may see (the one rule)."""
    return AuditCase.objects.filter(audit__in=audits_for(user), case__in=Case.objects.visible_to(user))


def agreement_run(user: User, subject: str, audit: Audit | None = None) -> AgreementRun | None:
    """The one agreement run of a page (`subject`, of `audit`) for the manager `user`, if ever requested."""
    return (
        AgreementRun.objects.filter(subject=subject, audit=audit, manager=user)
        .select_related("requested_by")
        .first()
    )


def cases_to_rate(user: User) -> QuerySet[AuditCase]:
    """The audit cases assigned to `user` in audits still open: the whole of what a second rater may open."""
    if not (user.is_authenticated and user.is_active and user.role in CLINICAL_ROLES):
        return AuditCase.objects.none()
    return AuditCase.objects.filter(
        auditor=user, audit__status=RunStatus.DONE, audit__closed_at__isnull=True
    ).select_related("audit", "case__patient", "team", "rating")


def audit_candidates(audit: Audit) -> list[tuple[int, int, int, int, int | None]]:
    """(allocation, case, team, grouping, add-on) of every allocation made in the audit's period, of the cases
    its requester sees (of its team, if it has one), oldest first."""
    cases = Case.objects.visible_to(audit.requested_by)
    if audit.team_id:
        cases = cases.filter(team_id=audit.team_id)
    rows = (
        Allocation.objects.filter(
            case__in=cases, start_date__gte=audit.period_from, start_date__lte=audit.period_to
        )
        .order_by("pk")
        .values_list("pk", "case_id", "case__team_id", "grouping_id", "add_on_grouping_id")
    )
    return list(rows)


def second_raters_for(user: User) -> QuerySet[User]:
    """Whom a manager may ask for a second rating: active clinical staff of the teams in the manager's scope."""
    return (
        User.objects.filter(role__in=CLINICAL_ROLES, is_active=True, teams__in=Team.objects.in_scope_of(user))
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def first_raters(audit_case: AuditCase) -> set[int]:
    """The clinicians behind the first rating: who allocated, and who completed and recorded its Current
    View; none of them may give the second rating."""
    allocation = audit_case.allocation
    view = allocation.suggestion.current_view if allocation.suggestion_id else None  # type: ignore[union-attr]
    ids = {allocation.allocated_by_id}
    if view is not None:
        ids |= {view.practitioner_id, view.recorded_by_id}
    return ids


def _name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def rated_pairs(audit_cases: QuerySet[AuditCase]) -> list[RatedPair]:
    """The rated pairs of `audit_cases` (already scoped by the caller), in one query: the first rating is the
    Current View the allocation was made from, its grouping the allocation's, its rules the allocation's
    suggestion; the second is the audit's own rating."""
    first_view = "allocation__suggestion__current_view__"
    fields = [
        "team__name",
        "allocation__allocated_by__first_name",
        "allocation__allocated_by__last_name",
        "allocation__allocated_by__username",
        "rating__rated_by__first_name",
        "rating__rated_by__last_name",
        "rating__rated_by__username",
        "allocation__grouping__code",
        "allocation__add_on_grouping__code",
        "rating__grouping__code",
        "rating__add_on_grouping__code",
        "allocation__suggested_grouping__code",
        "allocation__suggested_add_on_grouping__code",
        "rating__suggested_grouping__code",
        "rating__suggested_add_on_grouping__code",
        *(f"{first_view}{item}" for item in ALL_ITEMS),
        *(f"rating__{item}" for item in ALL_ITEMS),
    ]
    rows = audit_cases.filter(rating__isnull=False).order_by("pk").values_list(*fields)
    items = len(ALL_ITEMS)
    pairs = []
    for row in rows:
        (team, a_first, a_last, a_user, b_first, b_last, b_user, g1, a1, g2, a2, s1, sa1, s2, sa2) = row[:15]
        first_items, second_items = row[15 : 15 + items], row[15 + items :]
        pairs.append(
            RatedPair(
                team=team,
                first_rater=_name(a_first, a_last, a_user),
                second_rater=_name(b_first, b_last, b_user),
                first=pair_code(g1, a1) or "",
                second=pair_code(g2, a2) or "",
                rules_first=pair_code(s1, sa1),
                rules_second=pair_code(s2, sa2),
                first_items=tuple(NOT_KNOWN_CODE if code is None else code for code in first_items),
                second_items=tuple(NOT_KNOWN_CODE if code is None else code for code in second_items),
            )
        )
    return pairs


def vignette_ratings_in_scope(user: User) -> QuerySet[VignetteRating]:
    """Vignette ratings of the clinicians in the teams a manager sees (none for anyone else)."""
    if not (user.is_authenticated and user.is_active and user.role in MANAGER_ROLES):
        return VignetteRating.objects.none()
    raters = User.objects.filter(teams__in=Team.objects.in_scope_of(user)).values("pk")
    return VignetteRating.objects.filter(rated_by__in=raters)


def vignette_sets_agreement(user: User) -> list[dict]:
    """Per vignette set: each clinician's agreement with the reference, and Fleiss' kappa of the groupings
    across every rater (vignettes rated by two or more), over the clinicians a manager sees."""
    ratings = list(
        vignette_ratings_in_scope(user).select_related("vignette", "grouping", "add_on_grouping", "rated_by")
    )
    sets: dict[str, list[VignetteRating]] = {}
    for rating in ratings:
        sets.setdefault(rating.vignette.vignette_set, []).append(rating)
    result = []
    for name, rated in sorted(sets.items()):
        by_clinician: dict[str, list] = {}
        for rating in rated:
            by_clinician.setdefault(rating.rated_by.display_name, []).append(
                (
                    rating.vignette.reference_grouping,
                    pair_code(
                        rating.grouping.code, rating.add_on_grouping.code if rating.add_on_grouping else None
                    ),
                    rating.vignette.ratings(),
                    rating.ratings(),
                )
            )
        result.append(
            {
                "set": name,
                "vignettes": len({r.vignette_id for r in rated}),
                "clinicians": [clinician_agreement(n, p) for n, p in sorted(by_clinician.items())],
                "fleiss": _fleiss_of(rated),
            }
        )
    return result


def _fleiss_of(rated: list[VignetteRating]) -> tuple[float | None, int]:
    """Fleiss' kappa of the groupings given to the vignettes rated by two or more, and how many those are."""
    import numpy as np

    codes: dict[int, list[str]] = {}
    for rating in rated:
        codes.setdefault(rating.vignette_id, []).append(
            pair_code(rating.grouping.code, rating.add_on_grouping.code if rating.add_on_grouping else None)
            or ""
        )
    subjects = [given for given in codes.values() if len(given) >= 2]
    categories = sorted({code for given in subjects for code in given})
    if not subjects:
        return None, 0
    counts = np.array([[given.count(code) for code in categories] for given in subjects])
    return fleiss_kappa(counts), len(subjects)


RECORD_COLUMNS = (
    "vignette",
    "set",
    "title",
    "rated_on",
    "your_grouping",
    "reference_grouping",
    "same_grouping",
    "items_as_reference",
    "items_rated_by_both",
)


def training_record(user: User) -> list[tuple[str | int | None, ...]]:
    """The vignettes `user` rated, oldest first, with how their rating compares with the reference (the rows
    of RECORD_COLUMNS: the clinician's training record)."""
    rows: list[tuple[str | int | None, ...]] = []
    for rating in (
        VignetteRating.objects.filter(rated_by=user)
        .select_related("vignette", "grouping", "add_on_grouping")
        .order_by("rated_at")
    ):
        yours = pair_code(
            rating.grouping.code, rating.add_on_grouping.code if rating.add_on_grouping else None
        )
        both = [d for d in differences(rating.vignette.ratings(), rating.ratings()) if d.steps is not None]
        rows.append(
            (
                rating.vignette.code,
                rating.vignette.vignette_set,
                rating.vignette.title,
                f"{rating.rated_at:%Y-%m-%d}",
                yours,
                rating.vignette.reference_grouping,
                "yes" if yours == rating.vignette.reference_grouping else "no",
                sum(1 for d in both if not d.differs),
                len(both),
            )
        )
    return rows
