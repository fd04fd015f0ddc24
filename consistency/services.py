"""State changes of second-rater audits: a manager starts one (a sampling run), assigns each sampled case to a
second clinician and closes it; a second clinician records their rating, blind. Each in one transaction ending
with its audit event. None of them writes a Current View, a suggestion or an allocation of the case."""

import datetime as dt
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import Action, record
from accounts.models import MANAGER_ROLES, Role, Team, User
from camhs_pbr.runs import lifecycle
from consistency import agreement_runs, limits, selectors
from consistency.models import Audit, AuditCase, AuditRating, SamplingMethod, Vignette, VignetteRating
from consistency.vignettes import VignetteRow, read_vignettes
from groupings import rules
from groupings.models import Grouping
from groupings.selectors import age_at, current_rules_version


class AuditRefused(ValueError):
    """A change the audit refuses, with the reason for its user."""


def start_audit(
    *,
    by: User,
    team: Team | None,
    period_from: dt.date,
    period_to: dt.date,
    size: int,
    method: str,
    seed: int,
) -> Audit:
    """Record an audit of `size` allocations made in the period (of `team`, or of every team a service
    manager sees) and queue its sampling run; the same request while one is queued or running joins it."""
    if by.role not in MANAGER_ROLES:
        raise AuditRefused("Only a team or service manager can start an audit.")
    if team is None and by.role != Role.SERVICE_MANAGER:
        raise AuditRefused("Choose one of your teams.")
    if team is not None and not Team.objects.in_scope_of(by).filter(pk=team.pk).exists():
        raise AuditRefused("Choose one of your teams.")
    if not limits.MIN_AUDIT_SIZE <= size <= limits.MAX_AUDIT_SIZE:
        raise AuditRefused(limits.AUDIT_SIZE_SENTENCE)
    if method not in SamplingMethod.values:
        raise AuditRefused("Choose random or stratified sampling.")
    if period_to < period_from or period_to > timezone.localdate():
        raise AuditRefused(limits.PERIOD_SENTENCE)
    if (period_to - period_from).days > limits.MAX_AUDIT_PERIOD_DAYS:
        raise AuditRefused(limits.PERIOD_SENTENCE)
    provider_id = team.provider_id if team is not None else by.provider_id
    key = {
        "requested_by": by,
        "team": team,
        "period_from": period_from,
        "period_to": period_to,
        "size": size,
        "method": method,
        "seed": seed,
    }
    return lifecycle.request(Audit, key=key, by=by, provider_id=provider_id).run


def assignment_problem(by: User, audit_case: AuditCase, auditor: User) -> str | None:
    """Why `auditor` cannot give the second rating of `audit_case` for manager `by`; None if they can."""
    if auditor.pk in selectors.first_raters(audit_case):
        return limits.NOT_THE_FIRST_RATER
    if not selectors.second_raters_for(by).filter(pk=auditor.pk).exists():
        return limits.NOT_ELIGIBLE
    return None


def assign_second_raters(*, by: User, audit: Audit, choices: Mapping[int, User | None]) -> int:
    """Ask a second clinician to rate each of the audit's cases named in `choices` (audit case id -> user,
    None to take the case back). A case already rated keeps its rater. Returns how many changed."""
    with transaction.atomic():
        audit = selectors.audits_for(by).select_for_update().get(pk=audit.pk)
        if not audit.is_open:
            raise AuditRefused(limits.AUDIT_CLOSED)
        cases = {
            each.pk: each
            for each in selectors.audit_cases_for_manager(by, audit)
            .select_related("allocation__suggestion__current_view")
            .filter(pk__in=list(choices))
        }
        problems = []
        for pk, auditor in choices.items():
            if pk not in cases:
                problems.append(f"Case {pk} is not in this audit.")
            elif auditor is not None:
                problem = assignment_problem(by, cases[pk], auditor)
                if problem:
                    problems.append(f"{cases[pk].case.reference}: {problem}")
        if problems:
            raise AuditRefused(" ".join(problems))
        changed = 0
        now = timezone.now()
        for pk, auditor in choices.items():
            audit_case = cases[pk]
            if audit_case.auditor_id == (auditor.pk if auditor else None) or hasattr(audit_case, "rating"):
                continue
            audit_case.auditor, audit_case.assigned_at = auditor, now if auditor else None
            audit_case.save(update_fields=["auditor", "assigned_at"])
            record(
                Action.ASSIGN_SECOND_RATER,
                by=by,
                target=audit_case,
                case=audit_case.case,
                changed=["auditor"],
            )
            changed += 1
        return changed


def record_audit_rating(
    *,
    by: User,
    audit_case: AuditCase,
    ratings: Mapping[str, int | None],
    grouping: Grouping,
    add_on_grouping: Grouping | None = None,
) -> AuditRating:
    """The second clinician's blind rating of an audit case: the 50 items and the grouping they choose, with
    what the current rules suggest from their items. Stored apart; the case's records are not touched."""
    with transaction.atomic():
        try:
            audit_case = (
                selectors.cases_to_rate(by)
                .select_for_update(of=("self",))
                .select_related("allocation__suggestion__current_view__case__patient")
                .get(pk=audit_case.pk)
            )
        except AuditCase.DoesNotExist:
            raise AuditRefused(limits.AUDIT_CLOSED) from None
        if AuditRating.objects.filter(audit_case=audit_case).exists():
            raise AuditRefused(limits.ALREADY_RATED)
        version = current_rules_version()
        chosen = [grouping] if add_on_grouping is None else [grouping, add_on_grouping]
        if any(each.rules_version_id != version.pk for each in chosen):
            raise AuditRefused(f"Choose a grouping of the current rules version, {version.label}.")
        if add_on_grouping is not None and add_on_grouping.pk == grouping.pk:
            raise AuditRefused("The add-on grouping must differ from the grouping.")
        view = audit_case.allocation.suggestion.current_view  # type: ignore[union-attr]
        outcome = rules.suggest(dict(ratings), version.ruleset(), age_at(view))
        codes = {g.code: g for g in version.groupings.all()}
        rating = AuditRating.objects.create(
            audit_case=audit_case,
            rated_by=by,
            rules_version=version,
            grouping=grouping,
            add_on_grouping=add_on_grouping,
            suggested_grouping=codes.get(outcome.grouping) if outcome.grouping else None,
            suggested_add_on_grouping=codes.get(outcome.add_on_grouping) if outcome.add_on_grouping else None,
            rule=outcome.rule,
            **dict(ratings),
        )
        record(Action.RECORD_AUDIT_RATING, by=by, target=rating, case=audit_case.case)
        # The figures are computed by a run sent when this commits (so it reads this rating).
        agreement_runs.request_after_audit_change(audit=audit_case.audit, by=by)
        return rating


def close_audit(*, by: User, audit: Audit) -> Audit:
    """Close an open audit: its second raters can no longer open its cases; its figures stay."""
    with transaction.atomic():
        audit = selectors.audits_for(by).select_for_update().get(pk=audit.pk)
        if not audit.is_open:
            raise AuditRefused("Only an open audit can be closed.")
        audit.closed_at, audit.closed_by = timezone.now(), by
        audit.save(update_fields=["closed_at", "closed_by"])
        record(Action.CLOSE_RATER_AUDIT, by=by, target=audit, changed=["closed_at"])
        agreement_runs.request_after_audit_change(audit=audit, by=by)
        return audit


def load_vignettes(*, by: User | None, rows: list[VignetteRow]) -> int:
    """Add the vignettes of a checked file (consistency.vignettes.read_vignettes), all or none."""
    with transaction.atomic():
        created = Vignette.objects.bulk_create(
            Vignette(
                code=row.code,
                vignette_set=row.vignette_set,
                title=row.title,
                text=row.text,
                reference_grouping=row.reference_grouping,
                agreed_by=row.agreed_by,
                loaded_by=by,
                **row.ratings,
            )
            for row in rows
        )
        record(
            Action.LOAD_VIGNETTES,
            by=by,
            object_type="consistency.vignette",
            object_id=",".join(row.code for row in rows)[:64],
            username="" if by else "load_vignettes",
        )
        return len(created)


def record_vignette_rating(
    *,
    by: User,
    vignette: Vignette,
    ratings: Mapping[str, int | None],
    grouping: Grouping,
    add_on_grouping: Grouping | None = None,
) -> VignetteRating:
    """A clinician's rating of a vignette, once: their 50 items and grouping."""
    with transaction.atomic():
        if VignetteRating.objects.filter(vignette=vignette, rated_by=by).exists():
            raise AuditRefused("You have rated this vignette already.")
        if add_on_grouping is not None and add_on_grouping.pk == grouping.pk:
            raise AuditRefused("The add-on grouping must differ from the grouping.")
        try:
            with transaction.atomic():
                rating = VignetteRating.objects.create(
                    vignette=vignette,
                    rated_by=by,
                    grouping=grouping,
                    add_on_grouping=add_on_grouping,
                    **dict(ratings),
                )
        except IntegrityError:
            raise AuditRefused("You have rated this vignette already.") from None
        record(Action.RATE_VIGNETTE, by=by, target=rating)
        agreement_runs.request_after_vignette_rating(rating=rating, by=by)
        return rating


def load_vignette_file(*, by: User | None, content: bytes) -> int:
    """Check a vignette file against the current rules version's groupings and the ids already loaded, then
    load it; VignettesRefused (every bad line) and nothing loaded when it is bad."""
    codes = set(current_rules_version().groupings.values_list("code", flat=True))
    existing = set(Vignette.objects.values_list("code", flat=True))
    return load_vignettes(by=by, rows=read_vignettes(content, groupings=codes, existing=existing))
