"""The demo v2 rules version in the database: add-on groupings stored, allocated, reviewed, re-grouped, counted in
the movement table and the agreement statistics; ages from dates of birth; a grouping never suggested."""

import datetime as dt
import json

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms import ModelChoiceField

from accounts.models import Role
from assessments.models import CurrentView
from assessments.validation import age_in_years
from groupings import bulk, movement, rules, selectors, services
from groupings.forms import AllocationForm
from groupings.models import Allocation, RulesVersion, Suggestion
from groupings.reference import DEMO_V2_LABEL, V1_LABEL
from tests import factories
from tests.groupings.helpers import ratings
from tests.groupings.test_bulk import add_view, random_ratings

pytestmark = pytest.mark.django_db


@pytest.fixture
def v2(reference_data) -> RulesVersion:
    return RulesVersion.objects.get(label=DEMO_V2_LABEL)


def case_of_child(service, born: dt.date):
    patient = factories.patient(provider=service["provider"], date_of_birth=born)
    return factories.case(service["team_a"], patient, referral_date=dt.date(2025, 1, 6))


def view_of(service, case, on=dt.date(2025, 2, 3), **items) -> CurrentView:
    return add_view(case, service["clinician"], on, ratings(**items))


def test_the_demo_v2_version_is_installed_beside_v1_and_not_current(v2):
    assert RulesVersion.objects.get(is_current=True).label == V1_LABEL
    assert not v2.is_current and "DEMO" in v2.description
    assert v2.groupings.count() == 18
    assert list(v2.groupings.filter(suggestible=False).values_list("code", "name")) == [
        ("GMH99", "Getting More Help: Possible emerging personality disorder")
    ]
    assert v2.catalogue_faults() == [] and RulesVersion.objects.get(label=V1_LABEL).catalogue_faults() == []


def test_a_grouping_the_rules_suggest_cannot_be_marked_never_suggested(v2):
    add_on = v2.groupings.get(code="GA02")
    add_on.suggestible = False
    with pytest.raises(ValidationError, match="suggest GA02: it must stay suggestible"):
        add_on.full_clean()
    v2.groupings.get(code="GMH99").full_clean()


def test_a_grouping_never_suggested_is_still_offered_for_allocation(service, v2):
    suggestion = services.suggest_for(view_of(service, case_of_child(service, dt.date(2012, 5, 17))), v2)
    form = AllocationForm(suggestion=suggestion)
    for name in ("grouping", "add_on_grouping"):
        field = form.fields[name]
        assert isinstance(field, ModelChoiceField)
        assert field.queryset is not None and field.queryset.filter(code="GMH99").exists()


def test_the_suggestion_stores_the_add_on_beside_the_grouping(service, v2):
    case = case_of_child(service, dt.date(2012, 5, 17))
    suggestion = services.suggest_for(view_of(service, case, p09=2, p28=2), v2)
    stored = Suggestion.objects.get(pk=suggestion.pk)
    assert stored.grouping and stored.add_on_grouping
    assert (stored.grouping.code, stored.add_on_grouping.code, stored.pair_code) == (
        "GH03",
        "GA02",
        "GH03 + GA02",
    )
    assert "Add-on GA02 (A01)" in selectors.explanation(stored)
    v1 = services.suggest_for(stored.current_view, RulesVersion.objects.get(label=V1_LABEL))
    assert (v1.pair_code, v1.add_on_grouping) == ("GH03", None)


@pytest.mark.parametrize(
    ("born", "grouping"), [(dt.date(2017, 2, 4), "GH11"), (dt.date(2017, 2, 3), "GMH01")]
)
def test_the_age_comes_from_the_date_of_birth_at_the_current_views_date(service, v2, born, grouping):
    # Seen on 3/2/2025: born 4/2/2017 is 7, born 3/2/2017 is 8 that day; eating disorders from 8 under demo v2.
    suggestion = services.suggest_for(view_of(service, case_of_child(service, born), p20=3), v2)
    assert suggestion.pair_code == grouping
    assert selectors.explanation(suggestion).startswith("R03" if grouping == "GMH01" else "R11")


def allocate(service, suggestion, grouping, add_on=None, **reason):
    return services.allocate_grouping(
        seen_allocation=None,
        by=service["clinician"],
        case=suggestion.current_view.case,
        suggestion=suggestion,
        grouping=suggestion.rules_version.groupings.get(code=grouping),
        add_on_grouping=suggestion.rules_version.groupings.get(code=add_on) if add_on else None,
        on=dt.date(2025, 2, 10),
        **reason,
    )


@pytest.fixture
def with_add_on(service, v2) -> Suggestion:
    return services.suggest_for(
        view_of(service, case_of_child(service, dt.date(2012, 5, 17)), p09=2, p28=2), v2
    )


def test_allocating_the_suggested_pair_needs_no_reason_and_reviews_at_the_earlier_date(service, with_add_on):
    allocation = allocate(service, with_add_on, "GH03", "GA02")
    assert allocation.follows_suggestion and allocation.pair_code == "GH03 + GA02"
    assert allocation.review_due == dt.date(2025, 5, 10)  # GA02 after 3 months, before GH03's 6


def test_leaving_out_the_suggested_add_on_needs_a_reason(service, with_add_on):
    with pytest.raises(services.AllocationRefused, match="needs a reason"):
        allocate(service, with_add_on, "GH03")
    allocation = allocate(
        service, with_add_on, "GH03", reason_category="clinical_judgement", reason_text="Assessed last year."
    )
    assert not allocation.follows_suggestion
    assert (allocation.suggested_pair_code, allocation.pair_code) == ("GH03 + GA02", "GH03")
    assert allocation.review_due == dt.date(2025, 8, 10)


def test_adding_an_add_on_the_rules_did_not_suggest_needs_a_reason(service, v2):
    case = case_of_child(service, dt.date(2012, 5, 17))
    suggestion = services.suggest_for(view_of(service, case, p09=2), v2)
    with pytest.raises(services.AllocationRefused, match="needs a reason"):
        allocate(service, suggestion, "GH03", "GMH99")
    assert allocate(
        service, suggestion, "GH03", "GMH99", reason_category="other", reason_text="x"
    ).pair_code == ("GH03 + GMH99")


def test_an_add_on_equal_to_the_grouping_is_refused_by_the_service_and_the_database(service, with_add_on):
    with pytest.raises(services.AllocationRefused, match="must differ"):
        allocate(service, with_add_on, "GH03", "GH03")
    allocation = allocate(service, with_add_on, "GH03", "GA02")
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.filter(pk=allocation.pk).update(add_on_grouping=allocation.grouping)


def test_the_database_refuses_a_different_add_on_without_a_reason(service, with_add_on):
    allocation = allocate(service, with_add_on, "GH03", "GA02")
    other = with_add_on.rules_version.groupings.get(code="GMH99")
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.filter(pk=allocation.pk).update(add_on_grouping=other)


def test_the_allocation_form_follows_the_suggested_pair_and_asks_a_reason_for_another(with_add_on):
    groupings = {g.code: g.pk for g in with_add_on.rules_version.groupings.all()}
    form = AllocationForm(suggestion=with_add_on)
    assert form.initial["add_on_grouping"] == groupings["GA02"]
    assert form.fields["add_on_grouping"].label == "Add-on grouping (optional)"
    same = {
        "grouping": groupings["GH03"],
        "add_on_grouping": groupings["GA02"],
        "submission_key": "6f0c4f7e-1c0e-4a51-9f3a-8f1b0f2d9a11",
    }
    assert AllocationForm(same, suggestion=with_add_on).is_valid()
    alone = AllocationForm(same | {"add_on_grouping": ""}, suggestion=with_add_on)
    assert not alone.is_valid() and "reason_category" in alone.errors
    twice = AllocationForm(same | {"add_on_grouping": groupings["GH03"]}, suggestion=with_add_on)
    assert not twice.is_valid() and twice.errors["add_on_grouping"] == [
        "The add-on grouping must differ from the grouping."
    ]


def test_the_pages_show_the_pair(client, service, with_add_on):
    case = with_add_on.current_view.case
    RulesVersion.objects.update(is_current=False)
    RulesVersion.objects.filter(pk=with_add_on.rules_version_id).update(is_current=True)
    client.force_login(service["clinician"])
    url = f"/cases/{case.pk}/current-views/{with_add_on.current_view_id}/"
    page = client.get(url).content.decode()
    assert "Together with Getting Advice: Neurodevelopmental assessment" in page
    assert "Allocate GH03 + GA02 as suggested" in page
    response = client.post(
        url,
        {
            "grouping": with_add_on.grouping_id,
            "add_on_grouping": with_add_on.add_on_grouping_id,
            "seen_allocation": "",
            "submission_key": "0b7d1c2e-3a4f-4b5c-8d6e-7f8091a2b3c4",
        },
    )
    assert response.status_code == 302
    allocation = Allocation.objects.get()
    assert allocation.pair_code == "GH03 + GA02" and allocation.follows_suggestion
    panel = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Getting Help: Depression + Getting Advice: Neurodevelopmental assessment</strong>" in panel
    assert (
        "<td>GH03 + GA02 Getting Help: Depression + Getting Advice: Neurodevelopmental assessment</td>"
        in panel
    )


@pytest.mark.parametrize("use_copy", [True, False], ids=["postgres-copy", "orm"])
def test_regrouping_with_demo_v2_stores_add_ons_and_reads_ages_like_the_scalar_path(service, v2, use_copy):
    rng = np.random.default_rng(18)
    views = []
    for n in range(60):
        case = case_of_child(service, dt.date(2010 + n % 12, 1 + n % 12, 1 + n % 28))
        values = (
            random_ratings(rng)
            | ({"p20": 3} if n % 3 == 0 else {})
            | ({"p28": 2, "c35": 0} if n % 4 == 0 else {})
        )
        views.append(add_view(case, service["clinician"], dt.date(2025, 4, 3), values))
    bulk.regroup_cases(selectors.cases_in_scope_of_all(), v2, use_copy=use_copy)
    stored = {s.current_view_id: s for s in Suggestion.objects.select_related("grouping", "add_on_grouping")}
    ruleset = v2.ruleset()
    outcomes = [(view, rules.suggest(view.ratings(), ruleset, selectors.age_at(view))) for view in views]
    for view, expected in outcomes:
        got = stored[view.pk]
        assert (got.grouping.code if got.grouping else None, got.rule) == (expected.grouping, expected.rule)
        assert (got.add_on_grouping.code if got.add_on_grouping else None) == expected.add_on_grouping
    assert any(expected.add_on_grouping for _, expected in outcomes)
    assert {expected.grouping for _, expected in outcomes if expected.rule == "R11"} & {"GH11"}


def test_vectorised_ages_are_completed_years_leap_days_included():
    born = [
        dt.date(2012, 2, 29),
        dt.date(2012, 2, 29),
        dt.date(2010, 12, 31),
        dt.date(2010, 1, 1),
        dt.date(2026, 1, 1),
    ]
    on = [
        dt.date(2025, 2, 28),
        dt.date(2025, 3, 1),
        dt.date(2025, 12, 30),
        dt.date(2025, 1, 1),
        dt.date(2025, 1, 1),
    ]
    assert bulk.ages_in_years(born, on).tolist() == [
        age_in_years(b, o) for b, o in zip(born[:4], on[:4], strict=True)
    ] + [-1]


def test_the_movement_table_counts_a_pair_as_its_own_destination(service, with_add_on, v2):
    manager = factories.user(Role.TEAM_MANAGER, teams=(service["team_a"],))
    v1 = RulesVersion.objects.get(label=V1_LABEL)
    view = with_add_on.current_view
    v1_suggestion = services.suggest_for(view, v1)
    assert v1_suggestion.grouping
    services.allocate_grouping(
        seen_allocation=None,
        by=service["clinician"],
        case=view.case,
        suggestion=v1_suggestion,
        grouping=v1_suggestion.grouping,
    )
    table = movement.figures(manager, v2).movement
    assert table[["from_code", "to_code", "cases", "moves"]].to_dict("records") == [
        {"from_code": "GH03", "to_code": "GH03 + GA02", "cases": 1, "moves": True}
    ]


def test_an_allocation_agrees_only_when_grouping_and_add_on_both_match(service, v2):
    manager = factories.user(Role.TEAM_MANAGER, teams=(service["team_a"],))
    for add_on, reason in (("GA02", {}), (None, {"reason_category": "other", "reason_text": "no"})):
        case = case_of_child(service, dt.date(2012, 5, 17))
        suggestion = services.suggest_for(view_of(service, case, p09=2, p28=2), v2)
        allocate(service, suggestion, "GH03", add_on, **reason)
    overall = movement.figures(manager, v2).agreement["All"]
    assert (overall.n, overall.agreed) == (2, 1)


def test_the_admin_refuses_rules_that_suggest_a_grouping_marked_never_suggested(v2):
    from groupings.admin import RulesVersionForm

    definition = v2.rules_definition | {
        "rules": v2.rules_definition["rules"] | {"R12": {"grouping": "GMH99"}}
    }
    data = {
        "label": v2.label,
        "description": "",
        "rules_definition": json.dumps(definition),
        "is_current": "",
    }
    form = RulesVersionForm(data, instance=v2)
    assert not form.is_valid()
    assert "they suggest groupings marked never suggested: GMH99" in str(form.errors["rules_definition"])
    assert RulesVersionForm(
        data | {"rules_definition": json.dumps(v2.rules_definition)}, instance=v2
    ).is_valid()
