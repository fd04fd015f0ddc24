"""State changes of the grouping workflow: Current Views, suggestions and allocations (SPEC §3, §4)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import Action, record
from accounts.models import User
from assessments import limits as case_limits
from assessments.models import Case, CurrentView
from assessments.services import RecordRefused, correct_current_view, record_current_view, when
from camhs_pbr.lib.text import RefusedText, clean_text
from camhs_pbr.runs import lifecycle
from groupings import limits, selectors
from groupings.models import Allocation, Grouping, RegroupingRun, RulesVersion, Suggestion, SuggestionChange
from groupings.reviews import review_due
from groupings.selectors import current_rules_version


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


RECOMPUTED = ("grouping", "add_on_grouping", "rule", "complexity_count", "attendance_flag", "risk_flag")


@transaction.atomic
def correct_and_suggest(
    *, by: User, current_view: CurrentView, reason: str, version: int, **form
) -> tuple[CurrentView, SuggestionChange]:
    """Correct a Current View (assessments) and recompute its suggestions, as recording one does: the current
    rules version's is stored, and every one stored earlier (of any version) is recomputed in place, so a
    re-grouping or an allocation reads the corrected answers. Allocates nothing and ends no allocation: the
    SuggestionChange says what the suggestion was and is, for the grouping panel."""
    rules_version = current_rules_version()
    before = selectors.suggestion_for(current_view, rules_version)
    corrected, earlier = correct_current_view(
        by=by, current_view=current_view, reason=reason, version=version, **form
    )
    for stored in Suggestion.objects.select_for_update().filter(current_view=corrected):
        fresh = selectors.computed_suggestion(corrected, stored.rules_version)
        for name in RECOMPUTED:
            setattr(stored, name, getattr(fresh, name))
        stored.save(update_fields=list(RECOMPUTED))
    after = suggest_for(corrected, rules_version)
    change = SuggestionChange.objects.create(
        correction=earlier,
        rules_version=rules_version,
        earlier_grouping_id=before.grouping_id,
        earlier_add_on_grouping_id=before.add_on_grouping_id,
        grouping_id=after.grouping_id,
        add_on_grouping_id=after.add_on_grouping_id,
    )
    return corrected, change


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
    seen_allocation: int | None,
    add_on_grouping: Grouping | None = None,
    reason_category: str = "",
    reason_text: str = "",
    on: dt.date | None = None,
) -> Allocation:
    """Allocate a grouping (and optionally an add-on grouping beside it) from a suggestion: closes the open
    allocation and opens a new one (SPEC §4). A pair other than the suggested pair needs a reason.

    `seen_allocation` is the open allocation (or None) the page showed; if it changed meanwhile, nothing is
    allocated and the message says who allocated what and when."""
    start = on or timezone.localdate()
    with transaction.atomic():
        if not Case.objects.select_for_update().get(pk=case.pk).is_open:
            raise AllocationRefused(case_limits.CASE_CLOSED)
        if suggestion.current_view.case_id != case.pk:
            raise AllocationRefused("This suggestion belongs to another case.")
        chosen = [grouping] if add_on_grouping is None else [grouping, add_on_grouping]
        if any(each.rules_version_id != suggestion.rules_version_id for each in chosen):
            raise AllocationRefused("Choose a grouping of the same rules version as the suggestion.")
        if add_on_grouping is not None and add_on_grouping.pk == grouping.pk:
            raise AllocationRefused(limits.ADD_ON_SAME_AS_GROUPING)
        follows = suggestion.grouping_id == grouping.pk and suggestion.add_on_grouping_id == (
            add_on_grouping.pk if add_on_grouping else None
        )
        if limits.override_reason_problems(
            follows_suggestion=follows, category=reason_category, text=reason_text
        ):
            raise AllocationRefused(limits.OVERRIDE_NEEDS_REASON)
        try:
            clean_text(reason_text, multiline=True)
        except RefusedText as error:
            raise AllocationRefused(str(error)) from error
        previous = (
            case.allocations.select_for_update().open().select_related("grouping", "allocated_by").first()
        )
        if (previous.pk if previous else None) != seen_allocation:
            raise AllocationRefused(_allocated_meanwhile(previous))
        if previous:
            if start < previous.start_date:
                raise AllocationRefused("The new allocation cannot start before the current one.")
            previous.end_date = start
            previous.save(update_fields=["end_date"])
        allocation = Allocation.objects.create(
            case=case,
            grouping=grouping,
            add_on_grouping=add_on_grouping,
            suggestion=suggestion,
            suggested_grouping=suggestion.grouping,
            suggested_add_on_grouping=suggestion.add_on_grouping,
            start_date=start,
            review_due=review_due(
                start, grouping.review_months, add_on_grouping.review_months if add_on_grouping else None
            ),
            allocated_by=by,
            reason_category="" if follows else reason_category,
            reason_text="" if follows else reason_text.strip(),
        )
        record(Action.ALLOCATE_GROUPING, by=by, target=allocation, case=case)
        return allocation


def _allocated_meanwhile(current: Allocation | None) -> str:
    if current is None:
        change = "the case's grouping was ended"
    else:
        change = (
            f"{current.allocated_by.display_name} allocated {current.grouping.name} from "
            f"{current.start_date:%d/%m/%Y} (at {when(current.allocated_at)})"
        )
    return f"While you had this page open, {change}. Nothing was allocated: look again and choose."


def end_allocation_on_discharge(case: Case, closed_date: dt.date) -> None:
    """The discharge step of the grouping workflow: the open allocation ends on the discharge date."""
    allocation = case.allocations.select_for_update().open().first()
    if allocation is None:
        return
    if closed_date < allocation.start_date:
        raise RecordRefused(
            f"The discharge date cannot be before the current grouping started "
            f"({allocation.start_date:%d/%m/%Y})."
        )
    allocation.end_date = closed_date
    allocation.save(update_fields=["end_date"])


def start_regrouping(*, by: User | None, rules_version: RulesVersion) -> RegroupingRun:
    """Queue a run of `rules_version` over `by`'s scope (sent when the transaction commits), or join the one
    of the same version and person already queued or running. It suggests; it never allocates. With the task
    queue unreachable the run stays queued, marked refused, and the reaper sends it once the queue is back."""
    return lifecycle.request(
        RegroupingRun, key={"rules_version": rules_version, "requested_by": by}, by=by
    ).run
