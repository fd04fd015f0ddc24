"""The cost report and currency quality of a provider, on a small data set worked by hand (SPEC §5).

October 2026: British Summer Time ends on Sunday 25 October, so 1 October is UTC+1 and 31 October UTC+0.
Every profession costs £37.00 an hour (the seeded anchor); the fixture raises the nurse's to £48.00 from
15 October. The reference contact cost is £128.00: GA01 (2 expected appointments) is priced £256.00 an
episode, GH04 (10) £1,280.00.
"""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import Profession, Role
from camhs_pbr.lib.service_time import service_zone
from groupings.models import Allocation, Grouping
from reports.cost_report import COST_COLUMNS, QUALITY_COLUMNS, MissingUnitCost, cost_rows, currency_quality
from reports.models import UnitCost
from reports.periods import Month
from tests import factories

OCTOBER = Month.of("2026-10")


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=service_zone())


def allocate(case, code: str, start: dt.date, end: dt.date | None = None) -> Allocation:
    grouping = Grouping.objects.get(rules_version__is_current=True, code=code)
    return Allocation.objects.create(
        case=case,
        grouping=grouping,
        suggested_grouping=grouping,
        start_date=start,
        end_date=end,
        review_due=start + dt.timedelta(days=90),
        allocated_by=factories.user(Role.CLINICIAN, teams=(case.team,)),
    )


@pytest.fixture
def v1(reference_data):
    return Grouping.objects.get(rules_version__is_current=True, code="GH04").rules_version


@pytest.fixture
def october(service, v1):
    """Team A: a case moved from GA01 to GH04 on 15 October, one in GA01 closed on 31 October and one in
    GA01 with no contacts; team B: an ungrouped case; and another provider's case that never counts."""
    team_a, team_b, nurse = service["team_a"], service["team_b"], service["clinician"]
    psychologist = factories.user(
        Role.CLINICIAN, teams=(team_a,), profession=Profession.objects.get(code="clin_psych")
    )
    UnitCost.objects.create(
        profession=nurse.profession, valid_from=dt.date(2026, 10, 15), hourly_cost=Decimal("48.00")
    )

    def case(team, **fields):
        return factories.case(team, commissioner=service["commissioner"], **fields)

    moved = case(team_a, accepted_date=dt.date(2026, 1, 5))
    allocate(moved, "GA01", dt.date(2026, 2, 1), dt.date(2026, 10, 15))
    allocate(moved, "GH04", dt.date(2026, 10, 15))
    for starts_at, minutes, attendance in [
        (at(2026, 9, 30, 23, 30), 60, "attended"),  # September in London (22:30 UTC)
        (at(2026, 10, 1, 0, 30), 60, "attended"),  # October in London, 30 September in UTC: 60 min at £37
        (at(2026, 10, 10), 45, "dna"),
        (at(2026, 10, 15, 0, 30), 30, "attended"),  # 15 October in London (14th in UTC): 30 min at £48
        (at(2026, 10, 20), 60, "cancelled"),
        (at(2026, 10, 31, 23, 30), 50, "attended"),  # last day, GMT: 50 min at £48 = £40.00
        (at(2026, 11, 1, 0, 30), 60, "attended"),  # November
    ]:
        factories.contact(moved, nurse, starts_at=starts_at, duration_minutes=minutes, attendance=attendance)

    closed_on_last_day = case(
        team_a, accepted_date=dt.date(2026, 3, 1), closed_date=OCTOBER.last, discharge_reason="completed"
    )
    allocate(closed_on_last_day, "GA01", dt.date(2026, 3, 1))
    factories.contact(closed_on_last_day, psychologist, starts_at=at(2026, 10, 31, 9), duration_minutes=60)

    quiet = case(team_a, accepted_date=dt.date(2026, 9, 1))
    allocate(quiet, "GA01", dt.date(2026, 9, 1))

    ungrouped = case(team_b, accepted_date=dt.date(2026, 10, 2))
    factories.contact(ungrouped, nurse, starts_at=at(2026, 10, 5), duration_minutes=90)  # £55.50

    elsewhere = factories.case(factories.team(), accepted_date=dt.date(2026, 1, 1))
    factories.contact(elsewhere, nurse, starts_at=at(2026, 10, 5))
    return service


@pytest.mark.django_db
def test_the_cost_report_worked_by_hand(october, v1):
    team_a, team_b = october["team_a"], october["team_b"]
    frame = cost_rows(OCTOBER, october["provider"].code, v1)
    assert list(frame.columns) == list(COST_COLUMNS)
    rows = frame.to_dict("records")
    common = {"period": "2026-10", "provider_code": october["provider"].code}
    assert rows == [
        {
            **common,
            "team_code": team_a.code,
            "team_name": team_a.name,
            "grouping": "GA01",
            "grouping_name": "Getting Advice: Signposting and self-management advice",
            "open_at_month_end": 1,  # the quiet case; the one closed on the 31st is not open that day
            "contacts_attended": 1,  # the closed case's, under its grouping on the 30th
            "contacts_not_attended": 0,
            "contacts_cancelled": 0,
            "attended_hours": Decimal("1.00"),
            "cost": Decimal("37.00"),
            "cost_per_open_episode": Decimal("37.00"),
            "indicative_price": Decimal("256.00"),
            "variance": Decimal("-219.00"),
        },
        {
            **common,
            "team_code": team_a.code,
            "team_name": team_a.name,
            "grouping": "GH04",
            "grouping_name": "Getting Help: GAD and/or panic disorder",
            "open_at_month_end": 1,
            "contacts_attended": 3,  # all October contacts of the moved case, under its October grouping
            "contacts_not_attended": 1,
            "contacts_cancelled": 1,
            "attended_hours": Decimal("2.33"),  # 140 minutes
            "cost": Decimal("101.00"),  # 37.00 + 24.00 + 40.00
            "cost_per_open_episode": Decimal("101.00"),
            "indicative_price": Decimal("1280.00"),
            "variance": Decimal("-1179.00"),
        },
        {
            **common,
            "team_code": team_b.code,
            "team_name": team_b.name,
            "grouping": "UNGROUPED",
            "grouping_name": "Not grouped",
            "open_at_month_end": 1,
            "contacts_attended": 1,
            "contacts_not_attended": 0,
            "contacts_cancelled": 0,
            "attended_hours": Decimal("1.50"),
            "cost": Decimal("55.50"),
            "cost_per_open_episode": Decimal("55.50"),
            "indicative_price": None,
            "variance": None,
        },
    ]


@pytest.mark.django_db
def test_september_gets_the_late_evening_contact_and_not_the_one_after_midnight(october, v1):
    frame = cost_rows(Month.of("2026-09"), october["provider"].code, v1)
    ga01 = frame[frame["grouping"] == "GA01"].to_dict("records")
    assert [(r["contacts_attended"], r["cost"]) for r in ga01] == [(1, Decimal("37.00"))]


@pytest.mark.django_db
def test_a_grouping_with_contacts_but_no_open_episode_has_no_cost_per_episode(october, v1):
    frame = cost_rows(Month.of("2026-11"), october["provider"].code, v1)
    gh04 = frame[frame["grouping"] == "GH04"].iloc[0]
    assert (gh04["open_at_month_end"], gh04["cost"]) == (1, Decimal("48.00"))
    ga01 = frame[frame["grouping"] == "GA01"].iloc[0]  # the quiet case only
    assert (ga01["open_at_month_end"], ga01["contacts_attended"], ga01["cost"]) == (1, 0, Decimal("0.00"))


@pytest.mark.django_db
def test_a_provider_without_cases_has_an_empty_report(service, v1):
    frame = cost_rows(OCTOBER, service["provider"].code, v1)
    assert frame.empty and list(frame.columns) == list(COST_COLUMNS)


@pytest.mark.django_db
def test_an_attended_contact_without_a_unit_cost_in_force_is_refused(october, v1):
    UnitCost.objects.filter(profession__code="clin_psych").delete()
    with pytest.raises(MissingUnitCost, match="Clinical psychologist on 31/10/2026"):
        cost_rows(OCTOBER, october["provider"].code, v1)


@pytest.fixture
def closed_episodes(service):
    """Episodes closed in the 12 months to October 2026, each contact an hour at £37.00:
    GA01 with 2, 4 and 3 attended appointments (the last moved to GH04 on the day it closed), GH04 with 6
    and 10, one ungrouped with none; one closed before the window and one still open are left out."""
    team, nurse = service["team_a"], service["clinician"]

    def episode(closed: dt.date, appointments: int, allocations: list[tuple[str, dt.date]]) -> None:
        case = factories.case(
            team,
            commissioner=service["commissioner"],
            accepted_date=dt.date(2025, 3, 10),
            closed_date=closed,
            discharge_reason="completed",
        )
        ends = [start for _, start in allocations[1:]] + [None]
        for (code, start), end in zip(allocations, ends, strict=False):
            allocate(case, code, start, end)
        for day in range(appointments):
            factories.contact(case, nurse, starts_at=at(2025, 6, 1 + day))
        factories.contact(case, nurse, starts_at=at(2025, 7, 1), attendance="dna")

    episode(OCTOBER.last, 2, [("GA01", dt.date(2025, 4, 1))])
    episode(dt.date(2026, 3, 12), 4, [("GA01", dt.date(2025, 4, 1))])
    episode(dt.date(2026, 6, 10), 3, [("GA01", dt.date(2025, 4, 1)), ("GH04", dt.date(2026, 6, 10))])
    episode(dt.date(2026, 1, 20), 6, [("GH04", dt.date(2025, 4, 1))])
    episode(dt.date(2025, 11, 1), 10, [("GH04", dt.date(2025, 4, 1))])  # the window's first day
    episode(dt.date(2026, 2, 2), 0, [])
    episode(dt.date(2025, 10, 31), 5, [("GH04", dt.date(2025, 4, 1))])  # before the window
    factories.contact(
        factories.case(team, commissioner=service["commissioner"]), nurse, starts_at=at(2025, 6, 1)
    )
    return service


@pytest.mark.django_db
def test_currency_quality_worked_by_hand(closed_episodes, v1):
    frame, eta = currency_quality(OCTOBER, closed_episodes["provider"].code, v1)
    assert list(frame.columns) == list(QUALITY_COLUMNS)
    ga01, gh04, ungrouped = frame.to_dict("records")
    # GA01: appointments 2, 4, 3 -> mean 3, median 3, Q1 2.5, Q3 3.5, sample sd 1; cost x 37.
    assert ga01 == {
        "grouping": "GA01",
        "grouping_name": "Getting Advice: Signposting and self-management advice",
        "episodes": 3,
        "appointments_mean": 3.0,
        "appointments_median": 3.0,
        "appointments_iqr": 1.0,
        "appointments_cv": pytest.approx(1 / 3),
        "cost_mean": pytest.approx(111.0),
        "cost_median": pytest.approx(111.0),
        "cost_iqr": pytest.approx(37.0),
        "cost_cv": pytest.approx(1 / 3),
        "indicative_price": 256.0,
        "variance": pytest.approx(-145.0),
    }
    # GH04: 6 and 10 -> mean 8, Q1 7, Q3 9, sample sd 2√2.
    assert (gh04["episodes"], gh04["appointments_iqr"], gh04["cost_mean"]) == (2, 2.0, pytest.approx(296.0))
    assert gh04["cost_cv"] == pytest.approx(2 * 2**0.5 / 8)
    assert gh04["variance"] == pytest.approx(296.0 - 1280.0)
    assert (ungrouped["grouping"], ungrouped["episodes"], ungrouped["cost_mean"]) == ("UNGROUPED", 1, 0.0)
    assert ungrouped["cost_cv"] is None and ungrouped["indicative_price"] is None
    # Ungrouped left out: grand mean 5 appointments; total SS 9 + 1 + 4 + 1 + 25 = 40; between
    # 3 x (3 - 5)² + 2 x (8 - 5)² = 30; the same ratio for cost (x 37).
    assert eta == pytest.approx(0.75)


@pytest.mark.django_db
def test_currency_quality_without_closed_episodes_is_empty_and_undefined(service, v1):
    frame, eta = currency_quality(OCTOBER, service["provider"].code, v1)
    assert frame.empty and list(frame.columns) == list(QUALITY_COLUMNS) and eta is None
