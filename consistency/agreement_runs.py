"""The agreement figures as background runs on the run platform (camhs_pbr.runs): requesting the one run of a
page (an audit's, all a manager's audits', the vignette sets') for one manager, queued again in place and sent
when the transaction commits; requesting again the runs a new rating or a closed audit changes; executing one
(the one code path of the Celery task); and reading its last good figures. The figures are read through the
same scoped selectors the pages read, as the manager sees them when the run executes."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Team, User
from camhs_pbr.runs import lifecycle
from consistency import selectors
from consistency.audit_agreement import as_json, audit_agreement, from_json
from consistency.models import AgreementRun, AgreementSubject, Audit, VignetteRating
from consistency.vignettes import sets_as_json, sets_from_json


def request_agreement(
    *, subject: str, manager: User, audit: Audit | None = None, by: User | None
) -> AgreementRun:
    """The run of `subject`'s figures (of `audit`) for `manager`, queued again in place and sent when the
    transaction commits; or the same run already queued or running, which the request joins. Its figures
    of the last successful execution stay readable until a new execution succeeds."""
    key = {"subject": subject, "audit": audit, "manager": manager}
    return lifecycle.request(AgreementRun, key=key, by=by).run


def request_after_audit_change(*, audit: Audit, by: User) -> int:
    """Queue again the figures a new rating or the closing of `audit` changes: the audit's own (for its
    requester, and every manager who has them) and every manager's all-audits figures that count it.
    Returns the number of runs requested."""
    managers = set(
        AgreementRun.objects.filter(subject=AgreementSubject.AUDIT, audit=audit).values_list(
            "manager_id", flat=True
        )
    )
    if audit.requested_by_id:
        managers.add(audit.requested_by_id)
    requested = 0
    for manager in User.objects.filter(pk__in=managers).order_by("pk"):
        if selectors.audits_for(manager).filter(pk=audit.pk).exists():
            request_agreement(subject=AgreementSubject.AUDIT, manager=manager, audit=audit, by=by)
            requested += 1
    others = _of_providers(AgreementRun.objects.filter(subject=AgreementSubject.AUDITS), [audit.provider_id])
    for run in others:
        if selectors.audits_for(run.manager).filter(pk=audit.pk).exists():
            request_agreement(subject=AgreementSubject.AUDITS, manager=run.manager, by=by)
            requested += 1
    return requested


def request_after_vignette_rating(*, rating: VignetteRating, by: User) -> int:
    """Queue again the vignette-set figures of every manager who has them and sees `rating`'s clinician.
    Returns the number of runs requested."""
    providers = list(Team.objects.filter(members=rating.rated_by_id).values_list("provider_id", flat=True))
    requested = 0
    for run in _of_providers(AgreementRun.objects.filter(subject=AgreementSubject.VIGNETTES), providers):
        if selectors.vignette_ratings_in_scope(run.manager).filter(pk=rating.pk).exists():
            request_agreement(subject=AgreementSubject.VIGNETTES, manager=run.manager, by=by)
            requested += 1
    return requested


def _of_providers(runs: QuerySet[AgreementRun], providers: list[int]) -> QuerySet[AgreementRun]:
    """`runs` of the managers of `providers` (a member of one of their teams, or their service manager), oldest
    first: a cheap narrowing of whom to ask, before the one rule (the selectors) decides for each."""
    of_providers = Q(manager__teams__provider__in=providers) | Q(manager__provider__in=providers)
    return runs.filter(pk__in=runs.filter(of_providers).values("pk")).select_related("manager").order_by("pk")


def scope_of(manager: User) -> str:
    """The manager's role and teams in words, stored with the figures: figures read for another scope are
    not shown (a manager who has left a team does not keep reading its figures)."""
    teams = ",".join(str(pk) for pk in Team.objects.ids_in_scope_of(manager))
    return f"{manager.role}:{manager.provider_id or ''}:{teams}"


def figures_for(run: AgreementRun) -> Any:
    """The JSON figures of `run`'s page, read now through the manager's scoped selectors."""
    manager = run.manager
    if run.subject == AgreementSubject.AUDIT:
        audit = run.audit
        assert audit is not None  # a database constraint
        pairs = selectors.rated_pairs(selectors.audit_cases_for_manager(manager, audit))
        return as_json(audit_agreement(pairs, seed=audit.seed))
    if run.subject == AgreementSubject.AUDITS:
        pairs = selectors.rated_pairs(selectors.audit_cases_in_scope(manager))
        return as_json(audit_agreement(pairs, seed=0))
    return sets_as_json(selectors.vignette_sets_agreement(manager))


def execute(run_id: int) -> bool:
    """Compute the run's figures and store them with when the data was read; False when the run was
    finished or failed already (a late second delivery). An error fails the run (the task's decorator) and
    keeps the figures of the last successful execution."""
    if not lifecycle.start(AgreementRun, run_id):
        return False
    run = AgreementRun.objects.select_related("manager", "audit").get(pk=run_id)
    started = timezone.now()
    scope = scope_of(run.manager)
    figures = figures_for(run)
    return lifecycle.finish(AgreementRun, run_id, figures=figures, scope=scope, data_as_of=started)


def last_figures(run: AgreementRun | None, manager: User) -> Any:
    """The last good figures of a page's run, read back as its page shows them (an audit's or the audits'
    AuditAgreement, or the per-set figures of the vignettes), if they were read for the manager's scope of now;
    None otherwise."""
    if run is None or run.figures is None or run.scope != scope_of(manager):
        return None
    return (
        sets_from_json(run.figures) if run.subject == AgreementSubject.VIGNETTES else from_json(run.figures)
    )
