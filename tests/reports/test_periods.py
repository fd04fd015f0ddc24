"""The month definitions every report counts by: open episodes, the allocation in force, age bands."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import Role
from assessments.models import Case, is_open_episode_on
from groupings.models import Allocation, Grouping
from reports.periods import UNGROUPED, Month, age_band, age_band_of_birth, with_grouping_for
from tests import factories

OCTOBER = Month.of("2026-10")


def test_a_month_runs_from_its_first_to_its_last_day():
    assert (OCTOBER.first, OCTOBER.last) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert Month.of("2024-02").last == dt.date(2024, 2, 29)
    assert [m.label() for m in Month.of("2026-02").trailing(3)] == ["2025-12", "2026-01", "2026-02"]


@pytest.mark.parametrize("text", ["2026-13", "2026", "October", "2026-1-1", ""])
def test_a_malformed_month_is_refused_with_the_expected_form(text):
    with pytest.raises(ValueError, match="YYYY-MM"):
        Month.of(text)


@pytest.mark.parametrize(
    ("accepted", "closed", "open_"),
    [
        (dt.date(2026, 10, 31), None, True),  # accepted on the last day
        (dt.date(2026, 11, 1), None, False),
        (dt.date(2026, 1, 1), dt.date(2026, 10, 31), False),  # closed on the last day: not open that day
        (dt.date(2026, 1, 1), dt.date(2026, 11, 1), True),
        (None, None, False),  # referred, never accepted
    ],
)
def test_an_episode_is_open_on_a_day_from_acceptance_until_the_day_before_closure(accepted, closed, open_):
    assert is_open_episode_on(accepted, closed, OCTOBER.last) is open_


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (dt.date(2021, 10, 31), "5-10"),  # fifth birthday on the last day counts
        (dt.date(2021, 11, 1), "0-4"),
        (dt.date(2010, 10, 31), "16-17"),
        (dt.date(2008, 11, 1), "16-17"),
        (dt.date(2008, 10, 31), "18-25"),
        (dt.date(2000, 10, 31), "26+"),
    ],
)
def test_the_age_band_is_the_age_on_the_months_last_day(born, band):
    assert age_band(born, OCTOBER.last) == band


@pytest.mark.django_db
@settings(max_examples=40, deadline=None)
@given(
    st.dates(dt.date(1990, 1, 1), dt.date(2024, 2, 29)), st.sampled_from(["2024-02", "2025-02", "2026-10"])
)
def test_the_database_age_band_agrees_with_the_pure_one(born, month_text):
    month = Month.of(month_text)
    if born > month.last:
        return
    from accounts.models import Commissioner, Provider, Team

    provider, _ = Provider.objects.get_or_create(code="P", defaults={"name": "P"})
    team, _ = Team.objects.get_or_create(provider=provider, code="T", defaults={"name": "T"})
    commissioner, _ = Commissioner.objects.get_or_create(code="C", defaults={"name": "C"})
    patient = factories.patient(date_of_birth=born, provider=provider)
    case = factories.case(team, patient, commissioner=commissioner)
    banded = Case.objects.filter(pk=case.pk).annotate(band=age_band_of_birth(month)).get()
    assert banded.band == age_band(born, month.last)
    case.delete()
    patient.delete()


@pytest.fixture
def allocations(service):
    case = factories.case(service["team_a"], accepted_date=dt.date(2026, 1, 5))
    by = factories.user(Role.CLINICIAN, teams=(service["team_a"],))
    gh03, gh04 = (
        Grouping.objects.get(rules_version__is_current=True, code="GH03"),
        Grouping.objects.get(rules_version__is_current=True, code="GH04"),
    )

    def allocate(grouping, start, end=None):
        return Allocation.objects.create(
            case=case,
            grouping=grouping,
            suggested_grouping=grouping,
            start_date=start,
            end_date=end,
            review_due=start + dt.timedelta(days=180),
            allocated_by=by,
        )

    allocate(gh03, dt.date(2026, 2, 1), dt.date(2026, 10, 15))
    allocate(gh04, dt.date(2026, 10, 15))  # changed mid-October
    return case


def grouping_of(case, month: Month) -> str:
    return with_grouping_for(Case.objects.filter(pk=case.pk), month).get().grouping


@pytest.mark.django_db
def test_the_grouping_for_a_month_is_the_allocation_in_force_on_its_last_day(allocations):
    assert grouping_of(allocations, OCTOBER) == "GH04"
    assert grouping_of(allocations, Month.of("2026-09")) == "GH03"
    assert grouping_of(allocations, Month.of("2026-01")) == UNGROUPED


@pytest.mark.django_db
def test_a_case_closed_in_the_month_takes_the_allocation_in_force_the_day_before_closure(allocations):
    allocations.closed_date, allocations.discharge_reason = dt.date(2026, 10, 15), "completed"
    allocations.save()
    assert grouping_of(allocations, OCTOBER) == "GH03"  # 14 October: the earlier allocation
    allocations.closed_date = dt.date(2026, 10, 31)
    allocations.save()
    assert grouping_of(allocations, OCTOBER) == "GH04"  # closed on the last day: in force on the 30th


@pytest.mark.django_db
def test_the_grouping_at_closure_is_the_grouping_for_the_month_of_closure(allocations):
    from reports.periods import with_grouping_pk_at_closure

    allocations.closed_date, allocations.discharge_reason = dt.date(2026, 10, 15), "completed"
    allocations.save()
    at_closure = with_grouping_pk_at_closure(Case.objects.filter(pk=allocations.pk)).get().grouping_pk
    assert Grouping.objects.get(pk=at_closure).code == grouping_of(allocations, OCTOBER) == "GH03"
