"""State changes of the grouping workflow: Current Views, suggestions and allocations (SPEC §3, §4)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from assessments.models import Case, CurrentView
from groupings import rules
from groupings.models import Allocation, Grouping, RegroupingRun, Scheme, Suggestion
from groupings.reviews import review_due
from groupings.selectors import current_scheme


class AllocationRefused(ValueError):
    pass


@transaction.atomic
def record_current_view(
    *, by: User, case: Case, completed_on: dt.date, reason: str, practitioner: User, ratings: dict
) -> tuple[CurrentView, Suggestion]:
    """Save a Current View and the current scheme's suggestion for it. Allocates nothing."""
    current_view = CurrentView.objects.create(
        case=case,
        completed_on=completed_on,
        reason=reason,
        practitioner=practitioner,
        recorded_by=by,
        **ratings,
    )
    return current_view, suggest_for(current_view, current_scheme())


def suggest_for(current_view: CurrentView, scheme: Scheme) -> Suggestion:
    """The stored suggestion of `scheme` for a Current View, computed once (keyed by view and scheme)."""
    result = rules.suggest(current_view.ratings(), scheme.ruleset())
    grouping = scheme.groupings.get(code=result.grouping) if result.grouping else None
    suggestion, _ = Suggestion.objects.get_or_create(
        current_view=current_view,
        scheme=scheme,
        defaults={
            "grouping": grouping,
            "rule": result.rule,
            "complexity_count": result.complexity_count,
            "attendance_flag": result.attendance_flag,
            "risk_flag": result.risk_flag,
        },
    )
    return suggestion


def allocate_grouping(
    *,
    by: User,
    case: Case,
    suggestion: Suggestion,
    grouping: Grouping,
    reason_category: str = "",
    reason_text: str = "",
    on: dt.date | None = None,
) -> Allocation:
    """Allocate a grouping from a suggestion: closes the open allocation and opens a new one (SPEC §4)."""
    start = on or timezone.localdate()
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)
        if suggestion.current_view.case_id != case.pk:
            raise AllocationRefused("This suggestion belongs to another case.")
        if grouping.scheme_id != suggestion.scheme_id:
            raise AllocationRefused("Choose a grouping of the same scheme as the suggestion.")
        follows = suggestion.grouping_id == grouping.pk
        if not follows and not (reason_category and reason_text.strip()):
            raise AllocationRefused(
                "A grouping other than the suggestion needs a reason: a category and a few words."
            )
        previous = case.allocations.select_for_update().filter(end_date__isnull=True).first()
        if previous:
            if start < previous.start_date:
                raise AllocationRefused("The new allocation cannot start before the current one.")
            previous.end_date = start
            previous.save(update_fields=["end_date"])
        return Allocation.objects.create(
            case=case,
            grouping=grouping,
            suggestion=suggestion,
            suggested_grouping=suggestion.grouping,
            start_date=start,
            review_due=review_due(start, grouping.review_months),
            allocated_by=by,
            reason_category="" if follows else reason_category,
            reason_text="" if follows else reason_text.strip(),
        )


def cases_in_scope(run: RegroupingRun):
    """Open cases a re-grouping run covers: the requesting user's scope, or all for a system run."""
    if run.requested_by_id:
        return Case.objects.visible_to(run.requested_by).open()
    return cases_in_scope_of_all()


def cases_in_scope_of_all():
    """Every open case: only for system runs started by engineers from the command line."""
    return Case.objects.open()


def start_regrouping(*, by: User | None, scheme: Scheme) -> RegroupingRun:
    """Record a run and queue it once the record is committed. It suggests; it never allocates."""
    from groupings.tasks import start_regrouping as start_task  # tasks import this module

    run = RegroupingRun.objects.create(scheme=scheme, requested_by=by)
    transaction.on_commit(lambda: start_task.delay(run.pk))
    return run
