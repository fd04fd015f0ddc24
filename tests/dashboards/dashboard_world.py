"""A small hand-computed service for the manager dashboard tests, "today" being 15 June 2025.

Provider P has teams A and B; clinician c1 works in A, c2 in B (c2 also saw a case of A). One copy of the
world (`copies=1`) holds, with the figures the tests expect:

| case | team | referred | attended contacts (clinician) | open allocation, review due | Current Views | closed |
|---|---|---|---|---|---|---|
| 1 | A | 01/03 | 10/03 (c1), 10/06 (c2) | GH03 from 10/03 (as suggested), due 10/06: overdue | 10/03 | |
| 2 | A | 01/04 | 01/05 (c1) | GH04 from 01/05 (GH03 suggested), due 01/07: due soon | 01/05, 01/06 | |
| 3 | A | 20/05 | none (a did-not-attend on 01/06) | none | none | |
| 4 | B | 10/01 | 01/02 (c2) | GH03 from 01/02 (no suggestion), due 01/08 | 01/02 | |
| 5 | A | 05/01 | 20/01 (c1) | GH03 20/01-31/05 (as suggested) | | 31/05 |

and a case of another provider's team C that no manager of P may ever see. `copies=n` repeats the cases of
P n times (new patients), for the query-count tests.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Role, Team, User
from assessments.models import Case, CurrentView
from groupings.models import Allocation, Grouping
from groupings.selectors import current_rules_version
from tests import factories

D = dt.date
TODAY = D(2025, 6, 15)


@dataclass
class World:
    provider_teams: tuple[Team, Team]
    team_c: Team
    c1: User
    c2: User
    outsider: User  # a clinician of the other provider
    team_manager: User  # of team A
    service_manager: User  # of provider P
    cases: dict[int, list[Case]]  # case number -> its copies
    other_provider_case: Case


def grouping(code: str) -> Grouping:
    return Grouping.objects.get(rules_version=current_rules_version(), code=code)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def allocate(case, code, start, by, *, suggested=None, end=None, review_due=None) -> Allocation:
    followed = suggested == code
    return Allocation.objects.create(
        case=case,
        grouping=grouping(code),
        suggested_grouping=grouping(suggested) if suggested else None,
        start_date=start,
        end_date=end,
        review_due=review_due or start,
        allocated_by=by,
        reason_category="" if followed else "clinical_judgement",
        reason_text="" if followed else "Test data.",
    )


def current_view(case, day, by) -> CurrentView:
    return CurrentView.objects.create(
        case=case, completed_on=day, reason="first_contact", practitioner=by, recorded_by=by
    )


def seed_cases(team_a: Team, team_b: Team, c1: User, c2: User) -> dict[int, Case]:
    def case(team, referred, closed=None):
        extra = {"closed_date": closed, "discharge_reason": "completed"} if closed else {}
        return factories.case(team, referral_date=referred, accepted_date=referred, **extra)

    one, two, three = case(team_a, D(2025, 3, 1)), case(team_a, D(2025, 4, 1)), case(team_a, D(2025, 5, 20))
    four, five = case(team_b, D(2025, 1, 10)), case(team_a, D(2025, 1, 5), closed=D(2025, 5, 31))
    factories.contact(one, c1, starts_at=at(D(2025, 3, 10)))
    factories.contact(one, c2, starts_at=at(D(2025, 6, 10)))
    factories.contact(two, c1, starts_at=at(D(2025, 5, 1)))
    factories.contact(three, c1, starts_at=at(D(2025, 6, 1)), attendance="dna")
    factories.contact(four, c2, starts_at=at(D(2025, 2, 1)))
    factories.contact(five, c1, starts_at=at(D(2025, 1, 20)))
    allocate(one, "GH03", D(2025, 3, 10), c1, suggested="GH03", review_due=D(2025, 6, 10))
    allocate(two, "GH04", D(2025, 5, 1), c1, suggested="GH03", review_due=D(2025, 7, 1))
    allocate(four, "GH03", D(2025, 2, 1), c2, review_due=D(2025, 8, 1))
    allocate(
        five, "GH03", D(2025, 1, 20), c1, suggested="GH03", end=D(2025, 5, 31), review_due=D(2025, 7, 20)
    )
    current_view(one, D(2025, 3, 10), c1)
    current_view(two, D(2025, 5, 1), c1)
    current_view(two, D(2025, 6, 1), c1)
    current_view(four, D(2025, 2, 1), c2)
    return {1: one, 2: two, 3: three, 4: four, 5: five}


def build(copies: int = 1) -> World:
    provider = factories.provider()
    team_a, team_b = factories.team(provider, name="Team A"), factories.team(provider, name="Team B")
    team_c = factories.team(factories.provider(), name="Team C")
    c1 = factories.user(Role.CLINICIAN, teams=(team_a,), first_name="Cara", last_name="One")
    c2 = factories.user(Role.CLINICIAN, teams=(team_b,), first_name="Dev", last_name="Two")
    outsider = factories.user(Role.CLINICIAN, teams=(team_c,), first_name="Olu", last_name="Outside")
    cases: dict[int, list[Case]] = {n: [] for n in range(1, 6)}
    for _ in range(copies):
        for number, made in seed_cases(team_a, team_b, c1, c2).items():
            cases[number].append(made)
    other = factories.case(team_c, referral_date=D(2025, 3, 1), accepted_date=D(2025, 3, 1))
    factories.contact(other, outsider, starts_at=at(D(2025, 6, 12)))
    allocate(other, "GH03", D(2025, 3, 1), outsider, suggested="GH04", review_due=D(2025, 4, 1))
    return World(
        provider_teams=(team_a, team_b),
        team_c=team_c,
        c1=c1,
        c2=c2,
        outsider=outsider,
        team_manager=factories.user(Role.TEAM_MANAGER, teams=(team_a,)),
        service_manager=factories.user(Role.SERVICE_MANAGER, provider=provider, profession=None),
        cases=cases,
        other_provider_case=other,
    )
