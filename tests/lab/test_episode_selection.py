"""Which episodes the lab reads from the database: closed in the period, with a Current View within the
first 3 attended contacts, in the reader's scope; commissioners read none."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Profession, Role
from assessments.choices import Attendance
from assessments.models import CurrentView
from groupings.selectors import current_rules_version
from lab.selectors import closed_episodes
from reports.models import UnitCost
from tests import factories
from tests.groupings.helpers import ratings

pytestmark = pytest.mark.django_db


def read(user, closed_from=dt.date(2025, 6, 1), closed_to=dt.date(2025, 12, 31)):
    return closed_episodes(
        user, closed_from=closed_from, closed_to=closed_to, rules=current_rules_version().ruleset()
    )


def add_view(case, clinician, on, **values):
    return CurrentView.objects.create(
        case=case,
        completed_on=on,
        reason="first_contact",
        practitioner=clinician,
        recorded_by=clinician,
        **ratings(**values),
    )


def add_contacts(case, clinician, days, attendance="attended"):
    for day in days:
        factories.contact(
            case,
            clinician,
            starts_at=timezone.make_aware(dt.datetime(2025, 4, day, 10)),
            attendance=attendance,
        )


@pytest.fixture
def service():
    team = factories.team()
    clinician = factories.user(Role.CLINICIAN, teams=(team,))
    UnitCost.objects.create(
        profession=Profession.objects.get(code="mh_nurse"),
        valid_from=dt.date(2024, 1, 1),
        hourly_cost=Decimal(60),
    )
    manager = factories.user(Role.SERVICE_MANAGER, provider=team.provider)

    def case(**fields):
        return factories.case(team, closed_date=dt.date(2025, 9, 1), discharge_reason="completed", **fields)

    early = case()  # view after the 1st attended contact: in
    add_contacts(early, clinician, [1, 2, 3, 4])
    add_contacts(early, clinician, [5], attendance=Attendance.DID_NOT_ATTEND)
    add_view(early, clinician, dt.date(2025, 4, 2), p09=2)
    late = case()  # view after the 3rd attended contact: out
    add_contacts(late, clinician, [1, 2, 3, 4])
    add_view(late, clinician, dt.date(2025, 4, 4))
    few = case()  # fewer than 3 attended contacts: any view counts
    add_contacts(few, clinician, [1])
    add_view(few, clinician, dt.date(2025, 4, 20), p03=None)
    still_open = factories.case(team)
    add_contacts(still_open, clinician, [1])
    add_view(still_open, clinician, dt.date(2025, 4, 1))
    return {"manager": manager, "team": team, "early": early, "few": few}


def test_episodes_are_closed_cases_with_a_current_view_near_their_start(service):
    episodes = read(service["manager"])
    assert episodes.n == 2
    assert episodes.appointments.tolist() == [4.0, 1.0]  # attended contacts only, in case order
    assert episodes.cost is not None and (episodes.cost > 0).all()
    assert episodes.codes[0, 8] == 2 and episodes.codes[1, 2] == -1  # p09 Moderate; p03 Not known
    assert episodes.allocated is not None and episodes.allocated.tolist() == ["(not allocated)"] * 2


def test_the_period_bounds_the_closing_date(service):
    assert read(service["manager"], closed_from=dt.date(2025, 9, 2)).n == 0
    assert read(service["manager"], closed_to=dt.date(2025, 8, 31)).n == 0


def test_commissioners_and_other_providers_read_no_episodes(service):
    commissioner = factories.user(Role.COMMISSIONER, commissioner=factories.commissioner())
    elsewhere = factories.user(Role.SERVICE_MANAGER, provider=factories.provider())
    assert read(commissioner).n == 0
    assert read(elsewhere).n == 0
