"""Reads of schemes, suggestions and allocations; case-level reads go through Case.objects.visible_to."""

from django.db.models import QuerySet

from groupings import rules
from groupings.models import Allocation, Grouping, Scheme
from groupings.reviews import is_overdue
from groupings.rules import RuleSet


class NoSuchScheme(LookupError):
    pass


def current_scheme() -> Scheme:
    try:
        return Scheme.objects.get(is_current=True)
    except Scheme.DoesNotExist as missing:
        raise NoSuchScheme(
            "No grouping scheme is marked current; an administrator must choose one."
        ) from missing


def scheme_for_version(label: str | None) -> Scheme:
    """The scheme with this label, or the current one when label is None."""
    if label is None:
        return current_scheme()
    try:
        return Scheme.objects.get(label=label)
    except Scheme.DoesNotExist as missing:
        known = ", ".join(Scheme.objects.values_list("label", flat=True)) or "none"
        raise NoSuchScheme(f"No rules version {label!r}; known versions: {known}.") from missing


def ruleset_for_version(label: str | None) -> RuleSet:
    return scheme_for_version(label).ruleset()


def groupings_of(scheme: Scheme) -> QuerySet[Grouping]:
    return scheme.groupings.order_by("code")


def current_allocation(case) -> Allocation | None:
    return case.allocations.filter(end_date__isnull=True).select_related("grouping").first()


def allocation_history(case) -> QuerySet[Allocation]:
    return case.allocations.select_related(
        "grouping__scheme", "suggested_grouping", "allocated_by", "suggestion__scheme"
    ).order_by("-start_date", "-pk")


def explanation(suggestion) -> str:
    """The rule that fired, in plain words for the clinician."""
    ruleset = suggestion.scheme.ruleset()
    return rules.explain(rules.suggest(suggestion.current_view.ratings(), ruleset), ruleset)


def case_grouping_summary(case, today) -> dict:
    """What the case page shows of the grouping workflow."""
    current = current_allocation(case)
    return {
        "current_allocation": current,
        "review_overdue": bool(current and is_overdue(current.review_due, today)),
        "allocation_history": allocation_history(case),
        "current_views": case.current_views.select_related("practitioner").order_by("-completed_on", "-pk"),
    }
