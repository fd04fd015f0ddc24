"""Closed episodes in the database for the lab's run tests: a planted structure (low mood at least Moderate
means more appointments) and clinicians' allocations that follow it."""

import datetime as dt
from typing import Any

from django.utils import timezone

from accounts.models import Role
from assessments.models import CurrentView
from groupings.models import Allocation
from groupings.selectors import current_rules_version
from tests import factories
from tests.groupings.helpers import ratings

CLOSED_ON = dt.date(2025, 9, 1)
PERIOD = {"closed_from": "2025-06-01", "closed_to": "2025-12-31"}


def add_closed_episodes(team, clinician, n: int) -> None:
    """n closed cases of `team`: every other one low in mood (p09 Moderate, GH03, 6 or 7 appointments), the
    others anxious (p03 Moderate, GH04, 2 or 3 appointments); the Current View at the first contact."""
    groupings = dict(current_rules_version().groupings.values_list("code", "pk"))
    for i in range(n):
        low_mood = i % 2 == 0
        case = factories.case(team, closed_date=CLOSED_ON, discharge_reason="completed")
        CurrentView.objects.create(
            case=case,
            completed_on=dt.date(2025, 4, 1),
            reason="first_contact",
            practitioner=clinician,
            recorded_by=clinician,
            **(ratings(p09=2) if low_mood else ratings(p03=2)),
        )
        appointments = (6 if low_mood else 2) + (i // 2) % 2
        for day in range(1, appointments + 1):
            factories.contact(case, clinician, starts_at=timezone.make_aware(dt.datetime(2025, 4, day, 10)))
        Allocation.objects.create(
            case=case,
            grouping_id=groupings["GH03" if low_mood else "GH04"],
            start_date=dt.date(2025, 4, 1),
            end_date=CLOSED_ON,
            review_due=dt.date(2025, 7, 1),
            allocated_by=clinician,
            reason_category="clinical_judgement",
            reason_text="Seen in clinic.",
        )


def lab_world(service, n: int = 40) -> dict:
    """The conftest service with n closed episodes in team A, its service manager, and another provider's."""
    add_closed_episodes(service["team_a"], service["clinician"], n)
    return {
        **service,
        "manager": factories.user(Role.SERVICE_MANAGER, provider=service["provider"]),
        "other_manager": factories.user(Role.SERVICE_MANAGER, provider=factories.provider()),
        "team_manager": factories.user(Role.TEAM_MANAGER, teams=(service["team_a"],)),
    }


def done_run(client, world: dict, method: str = "tree") -> Any:
    """A run of `method` requested through /lab/ by the world's service manager and fitted in-process."""
    from lab.models import LabRun
    from lab.tasks import fit_lab_run

    client.force_login(world["manager"])
    client.post("/lab/", {"method": method, **PERIOD, "window": 3, "seed": 1, "min_leaf": 5, "max_leaves": 4})
    run = LabRun.objects.order_by("-pk")[0]
    fit_lab_run.apply(args=(run.pk,))
    run.refresh_from_db()
    assert run.status == "done", run.error
    return run
