"""The demo's consistency of grouping, so that `make run` shows agreement figures at once: an open second-rater
audit of the demo manager's team with most of its cases rated by a second clinician (a couple left for the demo
clinician under *To rate*), ratings of the demo vignettes by the team's clinicians (not the demo clinician, whose
vignettes wait for them), and the demo managers' agreement runs computed. Through the services, so every
rating is what the pages would have recorded."""

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, Team, User
from assessments.current_view_items import ITEMS, MAX_CODE
from camhs_pbr.runs.models import RunStatus
from consistency import agreement_runs, selectors, services
from consistency.models import AgreementRun, AgreementSubject, Audit, AuditCase, Vignette
from consistency.tasks import sample_audit
from groupings import rules
from groupings.models import Grouping
from groupings.selectors import current_rules_version

AUDIT_SIZE = 24
LEFT_TO_RATE = 2  # of the audit's cases, asked of the demo clinician and not yet rated
SAME_GROUPING = 0.7  # how often a second rater or a vignette's rater chooses the same grouping
ITEM_CHANGED = 0.12  # how often they rate an item one step away


@dataclass(frozen=True)
class ConsistencySummary:
    audit_ratings: int
    vignette_ratings: int


def seed_demo_consistency(as_of: dt.date, seed: int = 1) -> ConsistencySummary:
    """Seed the audit, the vignette ratings and the demo managers' agreement figures (all or nothing). The
    runs are executed here, before the transaction commits: the messages sent then find them done."""
    rng = np.random.default_rng(seed)
    manager = User.objects.get(username="manager")
    team = manager.teams.get()
    with transaction.atomic():
        rated = _audit(manager, team, as_of, rng)
        vignettes = _vignette_ratings(team, rng)
        for user in User.objects.filter(username__in=["manager", "service.manager"]).order_by("pk"):
            for audit in selectors.audits_for(user).order_by("pk"):
                agreement_runs.request_agreement(
                    subject=AgreementSubject.AUDIT, manager=user, audit=audit, by=None
                )
            for subject in (AgreementSubject.AUDITS, AgreementSubject.VIGNETTES):
                agreement_runs.request_agreement(subject=subject, manager=user, by=None)
        for run_id in AgreementRun.objects.filter(status=RunStatus.QUEUED).values_list("pk", flat=True):
            agreement_runs.execute(run_id)
    return ConsistencySummary(audit_ratings=rated, vignette_ratings=vignettes)


def _audit(manager: User, team: Team, as_of: dt.date, rng: np.random.Generator) -> int:
    period_to = min(as_of, timezone.localdate())
    audit = services.start_audit(
        by=manager,
        team=team,
        period_from=period_to - dt.timedelta(days=365),
        period_to=period_to,
        size=AUDIT_SIZE,
        method="stratified",
        seed=1,
    )
    sample_audit(audit.pk)
    audit = Audit.objects.get(pk=audit.pk)
    if audit.status != RunStatus.DONE:
        return 0  # a tiny demo with no allocation in the year
    cases = list(
        audit.cases.select_related("allocation__grouping", "allocation__add_on_grouping", "case")
        .select_related("allocation__suggestion__current_view")
        .order_by("pk")
    )
    raters = list(selectors.second_raters_for(manager).filter(role=Role.CLINICIAN).order_by("username"))
    demo_clinician = next((r for r in raters if r.username == "clinician"), None)
    others = [r for r in raters if r.username != "clinician"]
    choices: dict[int, User] = {}
    left = 0
    for audit_case in cases:
        taken = selectors.first_raters(audit_case)
        if demo_clinician and left < LEFT_TO_RATE and demo_clinician.pk not in taken:
            choices[audit_case.pk] = demo_clinician
            left += 1
            continue
        eligible = [r for r in others if r.pk not in taken]
        if eligible:
            choices[audit_case.pk] = eligible[0]  # the first takes most: their own figures show (10 pairs)
    services.assign_second_raters(by=manager, audit=audit, choices=choices)
    version = _version()
    rated = 0
    for audit_case in AuditCase.objects.filter(pk__in=list(choices)).select_related(
        "allocation__grouping", "allocation__add_on_grouping", "allocation__suggestion__current_view"
    ):
        rater = choices[audit_case.pk]
        if rater == demo_clinician:
            continue
        first = audit_case.allocation.suggestion.current_view.ratings()  # type: ignore[union-attr]
        allocation = audit_case.allocation
        items = _alike(first, rng)
        grouping, add_on = _chosen(allocation.grouping, allocation.add_on_grouping, items, version, rng)
        services.record_audit_rating(
            by=rater, audit_case=audit_case, ratings=items, grouping=grouping, add_on_grouping=add_on
        )
        rated += 1
    return rated


def _vignette_ratings(team: Team, rng: np.random.Generator) -> int:
    """Every vignette rated by each clinician of the team but the demo clinician."""
    version = _version()
    groupings = version.groupings
    raters = User.objects.filter(teams=team, role=Role.CLINICIAN).exclude(username="clinician")
    done = 0
    for rater in raters.order_by("username"):
        for vignette in Vignette.objects.order_by("code"):
            codes = vignette.reference_grouping.split(" + ")
            reference = groupings[codes[0]]
            add_on = groupings[codes[1]] if len(codes) > 1 else None
            items = _alike(vignette.ratings(), rng)
            grouping, add_on = _chosen(reference, add_on, items, version, rng)
            services.record_vignette_rating(
                by=rater, vignette=vignette, ratings=items, grouping=grouping, add_on_grouping=add_on
            )
            done += 1
    return done


@dataclass(frozen=True)
class Version:
    """The current rules version's groupings by code, and its rules (read once)."""

    groupings: dict[str, Grouping]
    ruleset: rules.RuleSet


def _version() -> Version:
    version = current_rules_version()
    return Version({grouping.code: grouping for grouping in version.groupings.all()}, version.ruleset())


def _alike(ratings: dict[str, int | None], rng: np.random.Generator) -> dict[str, int | None]:
    """Another clinician's rating of the same child: most items as given, some a step away."""
    alike = dict(ratings)
    steps = rng.choice([-1, 1], size=len(ITEMS))
    changed = rng.random(len(ITEMS)) < ITEM_CHANGED
    for n, item in enumerate(ITEMS):
        code = alike[item.id]
        if code is not None and changed[n]:
            alike[item.id] = int(np.clip(code + steps[n], 0, MAX_CODE[item.response_scale]))
    return alike


def _chosen(
    grouping: Grouping,
    add_on: Grouping | None,
    items: dict[str, int | None],
    version: Version,
    rng: np.random.Generator,
) -> tuple[Grouping, Grouping | None]:
    """The same grouping most of the time; otherwise what the rules suggest from the rater's own items, or,
    when that is the same, another grouping of the same super-group."""
    if rng.random() < SAME_GROUPING:
        return grouping, add_on
    groupings = version.groupings
    outcome = rules.suggest(items, version.ruleset)
    if outcome.grouping and outcome.grouping != grouping.code:
        suggested = groupings[outcome.grouping]
        return suggested, groupings.get(outcome.add_on_grouping or "")
    near = sorted(
        code
        for code, each in groupings.items()
        if each.super_group == grouping.super_group and code != grouping.code
    )
    return (groupings[str(rng.choice(near))], None) if near else (grouping, add_on)
