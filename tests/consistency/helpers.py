"""A service with allocations to audit: the first clinician rated and allocated each case."""

import datetime as dt
from dataclasses import dataclass

from accounts.models import Role, Team, User
from assessments.models import Case
from camhs_pbr.runs.models import RunStatus
from consistency import services
from consistency.models import Audit, AuditCase
from consistency.tasks import sample_audit
from groupings import services as grouping_services
from groupings.models import Grouping
from groupings.selectors import current_rules_version
from tests import factories
from tests.groupings.helpers import ratings

ALLOCATED_ON = dt.date(2025, 3, 10)


@dataclass
class World:
    team_a: Team
    team_b: Team
    first: User
    second: User
    elsewhere: User
    manager: User
    cases: list[Case]


def allocated_case(team: Team, clinician: User, **items: int | None) -> Case:
    case = factories.case(team, referral_date=dt.date(2025, 1, 6))
    _, suggestion = grouping_services.record_and_suggest(
        by=clinician,
        case=case,
        completed_on=dt.date(2025, 3, 3),
        reason="first_contact",
        practitioner=clinician,
        ratings=ratings(**items),
    )
    grouping_services.allocate_grouping(
        by=clinician,
        case=case,
        suggestion=suggestion,
        grouping=suggestion.grouping,  # type: ignore[arg-type]
        seen_allocation=None,
        on=ALLOCATED_ON,
    )
    return case


def world(service: dict, cases: int = 3) -> World:
    first = service["clinician"]
    return World(
        team_a=service["team_a"],
        team_b=service["team_b"],
        first=first,
        second=factories.user(
            Role.CLINICIAN, teams=(service["team_a"],), first_name="Sam", last_name="Second"
        ),
        elsewhere=factories.user(Role.CLINICIAN, teams=(service["team_b"],)),
        manager=factories.user(Role.TEAM_MANAGER, teams=(service["team_a"],)),
        cases=[allocated_case(service["team_a"], first, p09=2, p03=n % 3) for n in range(cases)],
    )


def sampled_audit(w: World, size: int = 10, seed: int = 1, method: str = "random") -> Audit:
    audit = services.start_audit(
        by=w.manager,
        team=w.team_a,
        period_from=dt.date(2025, 3, 1),
        period_to=dt.date(2025, 3, 31),
        size=size,
        method=method,
        seed=seed,
    )
    sample_audit(audit.pk)
    audit.refresh_from_db()
    return audit


def assign_all(w: World, audit: Audit, rater: User | None = None) -> list[AuditCase]:
    cases = list(audit.cases.all())
    services.assign_second_raters(by=w.manager, audit=audit, choices={c.pk: rater or w.second for c in cases})
    return list(audit.cases.all())


def compute_agreement_runs() -> int:
    """Execute every queued agreement run here, as a worker would (the tests' on-commit sends do not run)."""
    from consistency.models import AgreementRun
    from consistency.tasks import compute_agreement

    queued = list(AgreementRun.objects.filter(status=RunStatus.QUEUED).values_list("pk", flat=True))
    for pk in queued:
        compute_agreement(pk)
    return len(queued)


def rate(w, audit_case, grouping="GH03", **items):
    """The second clinician's blind rating of an audit case: the items given (as `ratings` makes them) and a
    grouping."""
    return services.record_audit_rating(
        by=w.second,
        audit_case=audit_case,
        ratings=ratings(**items),
        grouping=Grouping.objects.get(rules_version=current_rules_version(), code=grouping),
    )
