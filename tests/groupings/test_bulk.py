"""Bulk re-grouping without Celery: the set-based core the tasks call."""

import datetime as dt

import numpy as np
import pytest

from assessments.current_view_items import ITEMS
from assessments.models import CurrentView
from groupings import bulk, rules, selectors, services
from groupings.models import Allocation, RulesVersion, Suggestion
from tests import factories
from tests.groupings.helpers import copy_of_current_rules_version, ratings

pytestmark = pytest.mark.django_db


def add_view(case, clinician, on, values: dict) -> CurrentView:
    return CurrentView.objects.create(
        case=case,
        completed_on=on,
        reason="first_contact",
        practitioner=clinician,
        recorded_by=clinician,
        **values,
    )


def random_ratings(rng) -> dict:
    values = {}
    for item in ITEMS:
        top = 3 if item.response_scale == "severity" else 1
        code = int(rng.integers(-1, top + 1)) if rng.random() < 0.5 else 0
        values[item.id] = None if code == -1 else code
    return values


def test_packed_ratings_unpack_to_the_stored_codes(service):
    rng = np.random.default_rng(3)
    case = factories.case(service["team_a"])
    stored = [random_ratings(rng) for _ in range(40)]
    views = [
        add_view(factories.case(service["team_a"]), service["clinician"], dt.date(2025, 3, 3), r)
        for r in stored
    ]
    packed = (
        CurrentView.objects.filter(pk__in=[v.pk for v in views])
        .order_by("pk")
        .values_list(bulk._packed(bulk.HALVES[0]), bulk._packed(bulk.HALVES[1]))
    )
    data = np.array(list(packed), dtype=np.int64)
    codes = bulk.unpack(data[:, 0], data[:, 1])
    expected = np.array([[-1 if r[item.id] is None else r[item.id] for item in ITEMS] for r in stored])
    assert (codes == expected).all()
    assert case  # a case without a Current View is simply not in the set


@pytest.mark.parametrize("use_copy", [True, False], ids=["postgres-copy", "orm"])
def test_bulk_suggestions_match_the_scalar_engine_for_the_latest_view_of_each_open_case(service, use_copy):
    rng = np.random.default_rng(11)
    rules_version = RulesVersion.objects.get(is_current=True)
    latest = {}
    for _ in range(60):
        case = factories.case(service["team_a"])
        add_view(case, service["clinician"], dt.date(2025, 3, 3), random_ratings(rng))
        latest[case.pk] = add_view(case, service["clinician"], dt.date(2025, 4, 3), random_ratings(rng))
    result = bulk.regroup_cases(selectors.cases_in_scope_of_all(), rules_version, use_copy=use_copy)
    assert result.views == 60
    stored = {s.current_view_id: s for s in Suggestion.objects.select_related("grouping")}
    assert set(stored) == {view.pk for view in latest.values()}
    ruleset = rules_version.ruleset()
    for view in latest.values():
        expected = rules.suggest(view.ratings(), ruleset)
        got = stored[view.pk]
        assert (got.grouping.code if got.grouping else None, got.rule) == (expected.grouping, expected.rule)
        assert (got.complexity_count, got.attendance_flag, got.risk_flag) == (
            expected.complexity_count,
            expected.attendance_flag,
            expected.risk_flag,
        )


@pytest.mark.parametrize("use_copy", [True, False], ids=["postgres-copy", "orm"])
def test_running_twice_changes_nothing_and_never_touches_an_allocation(service, use_copy):
    clinician = service["clinician"]
    case = factories.case(service["team_a"])
    _, suggestion = services.record_and_suggest(
        by=clinician,
        case=case,
        completed_on=dt.date(2025, 3, 3),
        reason="first_contact",
        practitioner=clinician,
        ratings=ratings(p09=2),
    )
    assert suggestion.grouping is not None
    services.allocate_grouping(
        seen_allocation=None, by=clinician, case=case, suggestion=suggestion, grouping=suggestion.grouping
    )
    v2 = copy_of_current_rules_version("v2 test", high_at_least=3)
    bulk.regroup_cases(selectors.cases_in_scope_of_all(), v2, use_copy=use_copy)
    first = list(
        Suggestion.objects.filter(rules_version=v2).values_list("pk", "grouping__code", "created_at")
    )
    bulk.regroup_cases(selectors.cases_in_scope_of_all(), v2)
    assert (
        list(Suggestion.objects.filter(rules_version=v2).values_list("pk", "grouping__code", "created_at"))
        == first
    )
    assert first[0][1] == "GA01"  # Moderate is no longer "high" under the test version
    allocation = Allocation.objects.get()
    assert (allocation.grouping.code, allocation.end_date) == ("GH03", None)


def test_closed_cases_and_cases_outside_the_scope_are_left_out(service):
    clinician = service["clinician"]
    open_case = factories.case(service["team_a"])
    closed = factories.case(service["team_a"], closed_date=dt.date(2025, 5, 1), discharge_reason="completed")
    elsewhere = factories.case(service["team_b"])
    for case in (open_case, closed, elsewhere):
        add_view(case, clinician, dt.date(2025, 3, 3), ratings(p09=2))
    from assessments.models import Case

    bulk.regroup_cases(
        Case.objects.visible_to(clinician).open_referrals(), RulesVersion.objects.get(is_current=True)
    )
    assert list(Suggestion.objects.values_list("current_view__case", flat=True)) == [open_case.pk]


def test_chunk_bounds_cover_every_case_once(service):
    cases = [factories.case(service["team_a"]).pk for _ in range(7)]
    from assessments.models import Case

    bounds = bulk.chunk_bounds(Case.objects.all(), 3)
    assert bounds == [(cases[0], cases[2]), (cases[3], cases[5]), (cases[6], cases[6])]
