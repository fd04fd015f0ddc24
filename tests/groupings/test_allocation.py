"""The grouping workflow: Current View -> stored suggestion -> allocation by the clinician (SPEC §3, §4)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from assessments.models import CurrentView
from groupings import services
from groupings.models import Allocation, Grouping, RulesVersion
from groupings.reference import V1_LABEL
from groupings.rules import V1_DEFINITION
from tests import factories
from tests.groupings.helpers import ratings
from tests.support.forms import keyed

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(service):
    return factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))


def record(case, clinician, completed_on=dt.date(2025, 2, 3), **items):
    return services.record_and_suggest(
        by=clinician,
        case=case,
        completed_on=completed_on,
        reason="first_contact",
        practitioner=clinician,
        ratings=ratings(**items),
    )


def test_the_v1_catalogue_is_installed_as_the_current_rules_version(reference_data):
    rules_version = RulesVersion.objects.get(is_current=True)
    assert rules_version.label == V1_LABEL
    assert rules_version.groupings.count() == 17
    assert rules_version.groupings.get(code="GMH02").review_months == 3
    assert rules_version.ruleset().grouping_codes() <= set(
        rules_version.groupings.values_list("code", flat=True)
    )


def test_saving_a_current_view_stores_the_suggestion_but_allocates_nothing(service, case):
    current_view, suggestion = record(case, service["clinician"], p09=2)
    assert (suggestion.grouping.code, suggestion.rule, suggestion.rules_version.label) == (
        "GH03",
        "R05",
        V1_LABEL,
    )
    assert not Allocation.objects.exists()


def test_not_known_is_stored_as_null_and_none_as_zero(service, case):
    current_view, _ = record(case, service["clinician"], p01=None, p02=0)
    stored = CurrentView.objects.get(pk=current_view.pk).ratings()
    assert (stored["p01"], stored["p02"]) == (None, 0)


def test_allocating_the_suggestion_sets_the_review_date_from_the_grouping(service, case):
    _, suggestion = record(case, service["clinician"], p09=2)
    allocation = services.allocate_grouping(
        seen_allocation=None,
        by=service["clinician"],
        case=case,
        suggestion=suggestion,
        grouping=suggestion.grouping,
        on=dt.date(2025, 8, 31),
    )
    assert allocation.follows_suggestion
    assert allocation.review_due == dt.date(2026, 2, 28)  # GH03 reviews after 6 months


def test_a_different_grouping_without_a_reason_is_refused(service, case):
    _, suggestion = record(case, service["clinician"], p09=2)
    other = suggestion.rules_version.groupings.get(code="GH09")
    with pytest.raises(services.AllocationRefused, match="needs a reason"):
        services.allocate_grouping(
            seen_allocation=None,
            by=service["clinician"],
            case=case,
            suggestion=suggestion,
            grouping=other,
            reason_category="clinical_judgement",
            reason_text="  ",
        )
    assert not Allocation.objects.exists()


def test_the_database_refuses_an_override_without_a_reason(service, case):
    _, suggestion = record(case, service["clinician"], p09=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(
            case=case,
            grouping=suggestion.rules_version.groupings.get(code="GH09"),
            suggestion=suggestion,
            suggested_grouping=suggestion.grouping,
            start_date=dt.date(2025, 2, 3),
            review_due=dt.date(2025, 8, 3),
            allocated_by=service["clinician"],
        )


def test_a_new_allocation_closes_the_previous_one_and_keeps_the_history(service, case):
    clinician = service["clinician"]
    _, first = record(case, clinician, p09=2)
    earlier = services.allocate_grouping(
        seen_allocation=None,
        by=clinician,
        case=case,
        suggestion=first,
        grouping=first.grouping,
        on=dt.date(2025, 2, 3),
    )
    _, second = record(case, clinician, completed_on=dt.date(2025, 5, 1), p09=2, p02=2)
    chosen = second.rules_version.groupings.get(code="GH03")
    services.allocate_grouping(
        seen_allocation=earlier.pk,
        by=clinician,
        case=case,
        suggestion=second,
        grouping=chosen,
        reason_category="family_preference",
        reason_text="Family want to focus on mood.",
        on=dt.date(2025, 5, 1),
    )
    history = list(case.allocations.order_by("start_date"))
    assert [(a.grouping.code, a.start_date, a.end_date) for a in history] == [
        ("GH03", dt.date(2025, 2, 3), dt.date(2025, 5, 1)),
        ("GH03", dt.date(2025, 5, 1), None),
    ]
    assert history[1].suggested_grouping.code == "GH09" and history[1].reason_category == "family_preference"


def test_the_database_allows_only_one_open_allocation_per_case(service, case):
    _, suggestion = record(case, service["clinician"], p09=2)
    services.allocate_grouping(
        seen_allocation=None,
        by=service["clinician"],
        case=case,
        suggestion=suggestion,
        grouping=suggestion.grouping,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(
            case=case,
            grouping=suggestion.grouping,
            suggestion=suggestion,
            suggested_grouping=suggestion.grouping,
            start_date=dt.date(2025, 2, 3),
            review_due=dt.date(2025, 8, 3),
            allocated_by=service["clinician"],
        )


def test_insufficient_information_gives_no_suggestion_and_any_choice_needs_a_reason(service, case):
    unknown = {f"p{n:02d}": None for n in range(1, 11)}
    _, suggestion = record(case, service["clinician"], **unknown)
    assert suggestion.grouping is None and suggestion.rule == "INSUFFICIENT"
    ga01 = suggestion.rules_version.groupings.get(code="GA01")
    with pytest.raises(services.AllocationRefused):
        services.allocate_grouping(
            seen_allocation=None, by=service["clinician"], case=case, suggestion=suggestion, grouping=ga01
        )
    allocation = services.allocate_grouping(
        seen_allocation=None,
        by=service["clinician"],
        case=case,
        suggestion=suggestion,
        grouping=ga01,
        reason_category="new_information",
        reason_text="Seen at school; form to follow.",
    )
    assert allocation.suggested_grouping is None


def test_a_new_rules_version_version_with_its_own_catalogue_needs_no_code_change(service, case):
    definition = {**V1_DEFINITION}
    v2 = RulesVersion.objects.create(label="CAMHS-NBG v2 (test)", rules_definition=definition)
    for grouping in RulesVersion.objects.get(label=V1_LABEL).groupings.all():
        Grouping.objects.create(
            rules_version=v2,
            code=grouping.code,
            super_group=grouping.super_group,
            name=grouping.name + " (v2)",
            review_months=grouping.review_months + 1,
            expected_appointments=grouping.expected_appointments,
        )
    current_view, v1_suggestion = record(case, service["clinician"], p09=2)
    v2_suggestion = services.suggest_for(current_view, v2)
    assert v2_suggestion.grouping is not None
    assert v2_suggestion.grouping.name == "Getting Help: Depression (v2)"
    assert v2_suggestion.pk != v1_suggestion.pk
    assert services.suggest_for(current_view, v2).pk == v2_suggestion.pk  # keyed by (view, version)


def test_an_allocation_from_a_stale_page_is_refused_and_says_who_allocated_what(service, case):
    clinician = service["clinician"]
    colleague = factories.user(teams=(service["team_a"],), first_name="Sam", last_name="Okafor")
    _, suggestion = record(case, clinician, p09=2)
    seen = None  # both opened the page before anything was allocated
    services.allocate_grouping(
        by=colleague, case=case, suggestion=suggestion, grouping=suggestion.grouping, seen_allocation=seen
    )
    with pytest.raises(services.AllocationRefused, match="Sam Okafor allocated Getting Help"):
        services.allocate_grouping(
            by=clinician, case=case, suggestion=suggestion, grouping=suggestion.grouping, seen_allocation=seen
        )
    assert Allocation.objects.get().allocated_by == colleague


def test_the_allocation_page_refuses_a_stale_allocation_and_offers_the_current_one(client, service, case):
    clinician = service["clinician"]
    current_view, suggestion = record(case, clinician, p09=2)
    services.allocate_grouping(
        by=clinician, case=case, suggestion=suggestion, grouping=suggestion.grouping, seen_allocation=None
    )
    client.force_login(clinician)
    url = f"/cases/{case.pk}/current-views/{current_view.pk}/"
    page = client.post(
        url, keyed({"grouping": suggestion.grouping_id, "seen_allocation": ""})
    ).content.decode()
    assert "While you had this page open" in page
    assert Allocation.objects.count() == 1
    current = Allocation.objects.get()
    assert f'name="seen_allocation" value="{current.pk}"' in page
