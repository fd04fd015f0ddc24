"""State changes of the grouping workflow: Current Views, suggestions and allocations (SPEC §3, §4)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from assessments.models import Case, CurrentView
from assessments.services import record_current_view
from camhs_pbr import queueing
from groupings import limits, runs, selectors
from groupings.models import Allocation, Grouping, RegroupingRun, RulesVersion, Suggestion
from groupings.reviews import review_due
from groupings.selectors import current_rules_version
from groupings.tasks import start_regrouping as start_task


class AllocationRefused(ValueError):
    pass


@transaction.atomic
def record_and_suggest(
    *, by: User, case: Case, completed_on: dt.date, reason: str, practitioner: User, ratings: dict
) -> tuple[CurrentView, Suggestion]:
    """Save a Current View and the current rules version's suggestion for it, together. Allocates nothing."""
    current_view = record_current_view(
        by=by,
        case=case,
        completed_on=completed_on,
        reason=reason,
        practitioner=practitioner,
        ratings=ratings,
    )
    return current_view, suggest_for(current_view, current_rules_version())


def suggest_for(current_view: CurrentView, rules_version: RulesVersion) -> Suggestion:
    """The stored suggestion of `rules_version` for a Current View, computed and stored once (keyed by both)."""
    suggestion = selectors.suggestion_for(current_view, rules_version)
    if suggestion.pk is None:
        try:
            with transaction.atomic():
                suggestion.save()
        except IntegrityError:  # stored meanwhile by a concurrent request or a re-grouping run
            suggestion = Suggestion.objects.get(current_view=current_view, rules_version=rules_version)
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
        if grouping.rules_version_id != suggestion.rules_version_id:
            raise AllocationRefused("Choose a grouping of the same rules version as the suggestion.")
        follows = suggestion.grouping_id == grouping.pk
        if limits.override_reason_problems(
            follows_suggestion=follows, category=reason_category, text=reason_text
        ):
            raise AllocationRefused(limits.OVERRIDE_NEEDS_REASON)
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


def start_regrouping(*, by: User | None, rules_version: RulesVersion) -> RegroupingRun:
    """Record a run, then queue it. It suggests; it never allocates.

    With the queue unreachable the run is marked failed with that reason and QueueUnreachable raised; a
    process lost between the two steps leaves the run queued, and the reaper queues it again."""
    with transaction.atomic(durable=True):
        run = RegroupingRun.objects.create(rules_version=rules_version, requested_by=by)
    try:
        queueing.publish(start_task, run.pk)
    except queueing.QueueUnreachable:
        runs.failed(run.pk, queueing.UNREACHABLE)
        raise
    return run
