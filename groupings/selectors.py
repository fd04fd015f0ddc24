"""Reads of rules versions, suggestions and allocations; case-level reads go through Case.objects.visible_to."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as DbCase
from django.db.models.functions import Concat

from assessments.current_view_answers import ChangedAnswer, changed_answers
from assessments.models import Case, CaseQuerySet, CurrentView, CurrentViewVersion
from assessments.selectors import attended_contacts_of, lead_clinician
from assessments.validation import age_in_years
from groupings import rules
from groupings.models import Allocation, Grouping, RegroupingRun, RulesVersion, Suggestion, SuggestionChange
from groupings.reviews import DUE_SOON_DAYS, due_soon_until, is_overdue
from groupings.rules import RuleSet


class NoSuchRulesVersion(LookupError):
    pass


def current_rules_version() -> RulesVersion:
    try:
        return RulesVersion.objects.get(is_current=True)
    except RulesVersion.DoesNotExist as missing:
        raise NoSuchRulesVersion(
            "No rules version is marked current; an administrator must choose one."
        ) from missing


def rules_version_labelled(label: str | None) -> RulesVersion:
    """The rules version with this label, or the current one when label is None."""
    if label is None:
        return current_rules_version()
    try:
        return RulesVersion.objects.get(label=label)
    except RulesVersion.DoesNotExist as missing:
        known = ", ".join(RulesVersion.objects.values_list("label", flat=True)) or "none"
        raise NoSuchRulesVersion(f"No rules version {label!r}; known versions: {known}.") from missing


def ruleset_for_version(label: str | None) -> RuleSet:
    return rules_version_labelled(label).ruleset()


def suggestion_for(current_view: CurrentView, rules_version: RulesVersion) -> Suggestion:
    """The stored suggestion of `rules_version` for a Current View, or the one it would store (unsaved); no write."""
    stored = Suggestion.objects.filter(current_view=current_view, rules_version=rules_version).select_related(
        "grouping", "add_on_grouping"
    )
    return stored.first() or computed_suggestion(current_view, rules_version)


def age_at(current_view: CurrentView) -> int | None:
    """The child's age in completed years on the Current View's date, the age the rules read (None: no age)."""
    age = age_in_years(current_view.case.patient.date_of_birth, current_view.completed_on)
    return age if 0 <= age <= rules.MAX_AGE else None


def computed_suggestion(current_view: CurrentView, rules_version: RulesVersion) -> Suggestion:
    """What `rules_version` suggests for the Current View's answers as they now read (unsaved), whatever is
    stored: a corrected view's stored suggestions are recomputed from it."""
    result = rules.suggest(current_view.ratings(), rules_version.ruleset(), age_at(current_view))
    add_on = result.add_on_grouping
    return Suggestion(
        current_view=current_view,
        rules_version=rules_version,
        grouping=rules_version.groupings.get(code=result.grouping) if result.grouping else None,
        add_on_grouping=rules_version.groupings.get(code=add_on) if add_on else None,
        rule=result.rule,
        complexity_count=result.complexity_count,
        attendance_flag=result.attendance_flag,
        risk_flag=result.risk_flag,
    )


@dataclass(frozen=True)
class Correction:
    """One correction of a Current View: the form as it read before, what the correction changed in its
    answers, and what it did to the suggestion (None for none recorded)."""

    earlier: CurrentViewVersion
    answers: list[ChangedAnswer]
    suggestion_change: SuggestionChange | None


def corrections_of(current_view: CurrentView) -> list[Correction]:
    """The corrections of a Current View, latest first."""
    earlier = list(
        _corrections_shown().filter(current_view=current_view).select_related("practitioner", "recorded_by")
    )
    after = [current_view.ratings(), *(version.ratings for version in earlier)]
    return [
        Correction(
            version,
            changed_answers(version.ratings, later),
            getattr(version, "suggestion_change", None),
        )
        for version, later in zip(earlier, after, strict=False)
    ]


def groupings_of(rules_version: RulesVersion) -> QuerySet[Grouping]:
    return rules_version.groupings.order_by("code")


def current_allocation(case) -> Allocation | None:
    return case.allocations.open().select_related("grouping", "add_on_grouping").first()


def allocation_history(case) -> QuerySet[Allocation]:
    return case.allocations.select_related(
        "grouping__rules_version",
        "add_on_grouping",
        "suggested_grouping",
        "suggested_add_on_grouping",
        "allocated_by",
        "suggestion__rules_version",
    ).order_by("-start_date", "-pk")


def explanation(suggestion) -> str:
    """The rule that fired, in plain words for the clinician."""
    ruleset = suggestion.rules_version.ruleset()
    view = suggestion.current_view
    return rules.explain(rules.suggest(view.ratings(), ruleset, age_at(view)), ruleset)


def overdue_condition(field: str, today: dt.date) -> Q:
    """reviews.is_overdue as a database condition on a review-due date field."""
    return Q(**{f"{field}__lt": today})


def pair_code_expression(grouping: str, add_on: str) -> DbCase:
    """models.pair_code in SQL: "GH03 + GA02" from two code lookups, or the grouping's code alone."""
    return DbCase(
        When(**{f"{add_on}__isnull": True}, then=F(grouping)),
        default=Concat(F(grouping), Value(" + "), F(add_on), output_field=CharField()),
        output_field=CharField(),
    )


def with_current_grouping(cases: CaseQuerySet, today: dt.date) -> CaseQuerySet:
    """Cases annotated with their open allocation's grouping code (with its add-on: "GH03 + GA02"), review due
    date and whether it is overdue."""
    current = Allocation.objects.open().filter(case=OuterRef("pk"))
    pair = pair_code_expression("grouping__code", "add_on_grouping__code")
    return cases.annotate(
        grouping_code=Subquery(current.annotate(pair=pair).values("pair")[:1]),
        review_due=Subquery(current.values("review_due")[:1]),
    ).annotate(
        review_overdue=ExpressionWrapper(overdue_condition("review_due", today), output_field=BooleanField())
    )


MY_REVIEWS_SHOWN = 25


def my_reviews_due(user, today: dt.date) -> dict:
    """The open allocations whose review is overdue or due soon (reviews.DUE_SOON_DAYS), on open referrals of
    the user's scope whose clinician (their most recent attended contact) is the user: soonest first."""
    horizon = due_soon_until(today)
    # Only the cases the user has seen can have the user as their clinician: narrowed to those first (through
    # the contacts' clinician index), and not built at all for a manager who sees no one.
    seen = attended_contacts_of(user).values("case_id")
    my_reviews: list[Case] = []
    if seen.exists():
        cases = (
            Case.objects.visible_to(user)
            .open_referrals()
            .filter(pk__in=seen)
            .alias(lead=lead_clinician())
            .filter(lead=user.pk)
        )
        grouped: QuerySet[Any] = with_current_grouping(cases, today)  # annotated with review_due
        due = grouped.filter(review_due__lte=horizon).select_related("patient")
        my_reviews = list(due.order_by("review_due", "pk")[: MY_REVIEWS_SHOWN + 1])
    return {
        "my_reviews": my_reviews,
        "my_reviews_shown": MY_REVIEWS_SHOWN,
        "my_reviews_days": DUE_SOON_DAYS,
        "my_reviews_until": horizon,
    }


def case_grouping_summary(case, today: dt.date) -> dict:
    """What the case page shows of the grouping workflow."""
    current = current_allocation(case)
    return {
        "current_allocation": current,
        "review_overdue": bool(current and is_overdue(current.review_due, today)),
        "allocation_history": allocation_history(case),
        "current_views": case.current_views.select_related("practitioner", "corrected_by")
        .prefetch_related(Prefetch("earlier_versions", queryset=_corrections_shown()))
        .order_by("-completed_on", "-pk"),
    }


def _corrections_shown() -> QuerySet[CurrentViewVersion]:
    return CurrentViewVersion.objects.select_related(
        "corrected_by",
        "suggestion_change__earlier_grouping",
        "suggestion_change__earlier_add_on_grouping",
        "suggestion_change__grouping",
        "suggestion_change__add_on_grouping",
    ).order_by("-superseded_at", "-pk")


def cases_in_scope(run: RegroupingRun):
    """The open referrals a re-grouping run covers (a Current View may be recorded before acceptance): the
    requesting user's scope, or all for a system run."""
    if run.requested_by_id:
        return Case.objects.visible_to(run.requested_by).open_referrals()
    return cases_in_scope_of_all()


def cases_in_scope_of_all():
    """Every open referral: only for system runs started by engineers from the command line."""
    return Case.objects.open_referrals()
