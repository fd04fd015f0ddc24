"""A Current View entered in this product is corrected with a reason: the earlier version is kept, shown and
audited, its suggestion is worked out again as recording one does, the allocation stays, and everything
downstream reads the corrected view once (issue 31, point 8)."""

import datetime as dt

import pytest

from accounts.audit import Action, AuditEvent
from accounts.models import Role
from assessments.current_view_items import ITEMS
from assessments.models import CurrentView, CurrentViewVersion
from groupings import bulk, movement, services
from groupings.models import Allocation, Suggestion, SuggestionChange
from groupings.selectors import current_rules_version
from tests import factories
from tests.groupings.helpers import copy_of_current_rules_version, ratings

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(service):
    return factories.case(
        service["team_a"], referral_date=dt.date(2025, 1, 6), accepted_date=dt.date(2025, 1, 6)
    )


@pytest.fixture
def allocated(service, case):
    """A Current View suggesting GH03 (low mood moderate), allocated as suggested."""
    current_view, suggestion = services.record_and_suggest(
        by=service["clinician"],
        case=case,
        completed_on=dt.date(2025, 2, 3),
        reason="first_contact",
        practitioner=service["clinician"],
        ratings=ratings(p09=2),
    )
    services.allocate_grouping(
        by=service["clinician"],
        case=case,
        suggestion=suggestion,
        grouping=suggestion.grouping,  # type: ignore[arg-type]  # GH03, as the rules say
        seen_allocation=None,
        on=dt.date(2025, 2, 3),
    )
    return current_view


def form_data(current_view: CurrentView, **answers) -> dict:
    """The correction form as the page shows it, with some answers changed and a reason."""
    given = {
        item.id: "nk" if value is None else str(value)
        for item, value in zip(ITEMS, current_view.ratings().values(), strict=True)
    }
    return {
        **given,
        **{item: str(value) for item, value in answers.items()},
        "completed_on": current_view.completed_on.isoformat(),
        "reason": current_view.reason,
        "practitioner": str(current_view.practitioner_id),
        "version": str(current_view.version),
        "correction_reason": "Anxiety was rated, not low mood.",
    }


def url(current_view: CurrentView) -> str:
    return f"/cases/{current_view.case_id}/current-views/{current_view.pk}/correct/"


def test_a_correction_recomputes_the_suggestion_keeps_the_earlier_version_and_leaves_the_allocation(
    client, service, allocated
):
    client.force_login(service["clinician"])
    response = client.post(url(allocated), form_data(allocated, p09=0, p03=3))
    assert response.status_code == 302
    corrected = CurrentView.objects.get(pk=allocated.pk)
    assert (corrected.ratings()["p09"], corrected.ratings()["p03"], corrected.version) == (0, 3, 2)
    earlier = CurrentViewVersion.objects.get(current_view=allocated)
    assert (earlier.ratings["p09"], earlier.ratings["p03"], earlier.correction_reason) == (
        2,
        0,
        "Anxiety was rated, not low mood.",
    )
    stored = Suggestion.objects.get(current_view=allocated, rules_version=current_rules_version())
    assert stored.pair_code == "GH04"
    change = SuggestionChange.objects.get(correction=earlier)
    assert (change.earlier_pair_code, change.pair_code, change.changed) == ("GH03", "GH04", True)
    allocation = Allocation.objects.get(case=allocated.case)
    assert (allocation.pair_code, allocation.suggested_pair_code, allocation.end_date) == (
        "GH03",
        "GH03",
        None,
    )


def test_a_correction_without_a_reason_is_a_form_error_and_changes_nothing(client, service, allocated):
    client.force_login(service["clinician"])
    data = {**form_data(allocated, p09=0, p03=3), "correction_reason": ""}
    response = client.post(url(allocated), data)
    assert response.status_code == 200
    assert "Say why this record is corrected." in response.content.decode()
    assert CurrentView.objects.get(pk=allocated.pk).ratings()["p09"] == 2
    assert not CurrentViewVersion.objects.exists() and not SuggestionChange.objects.exists()
    assert Suggestion.objects.get(current_view=allocated).pair_code == "GH03"
    assert not AuditEvent.objects.filter(action=Action.CORRECT_CURRENT_VIEW).exists()


def test_the_pages_show_the_correction_the_earlier_answers_and_that_the_suggestion_changed(
    client, service, allocated
):
    client.force_login(service["clinician"])
    client.post(url(allocated), form_data(allocated, p09=0, p03=3))
    name = service["clinician"].display_name
    case_page = client.get(f"/cases/{allocated.case_id}/").content.decode()
    assert f"by {name}: Anxiety was rated, not low mood." in case_page
    assert "The suggestion changed from GH03 to GH04; the allocation is unchanged: review it." in case_page
    detail = client.get(f"/cases/{allocated.case_id}/current-views/{allocated.pk}/")
    corrections = detail.context["corrections"]
    assert [(a.item.id, a.before, a.after) for a in corrections[0].answers] == [
        ("p03", "None", "Severe"),
        ("p09", "Moderate", "None"),
    ]
    assert "Earlier versions" in detail.content.decode()


def test_a_correction_is_audited_with_the_names_of_the_changed_items_only(service, allocated):
    services.correct_and_suggest(
        by=service["clinician"],
        current_view=allocated,
        reason="Anxiety was rated, not low mood.",
        version=1,
        completed_on=dt.date(2025, 2, 4),
        completing_reason="first_contact",
        practitioner=service["clinician"],
        ratings=ratings(p03=3),
    )
    event = AuditEvent.objects.get(action=Action.CORRECT_CURRENT_VIEW)
    assert event.changed_fields == ["completed_on", "p03", "p09"]
    assert (event.object_id, event.case_id) == (str(allocated.pk), allocated.case_id)
    assert "Anxiety" not in str(list(AuditEvent.objects.values()))


def test_every_stored_suggestion_of_the_view_is_recomputed(service, allocated):
    other = copy_of_current_rules_version("CAMHS-NBG v1 copy")
    services.suggest_for(allocated, other)
    services.correct_and_suggest(
        by=service["clinician"],
        current_view=allocated,
        reason="Anxiety was rated, not low mood.",
        version=1,
        completed_on=allocated.completed_on,
        completing_reason="first_contact",
        practitioner=service["clinician"],
        ratings=ratings(p03=3),
    )
    assert sorted(
        Suggestion.objects.filter(current_view=allocated).values_list("grouping__code", flat=True)
    ) == [
        "GH04",
        "GH04",
    ]


def test_the_movement_and_a_regrouping_count_the_corrected_view_once(service, case, allocated):
    manager = factories.user(Role.TEAM_MANAGER, teams=(service["team_a"],))
    rules_version = current_rules_version()
    before = movement.figures(manager, rules_version).movement  # counted and kept in the cache
    assert before["cases"].sum() == 1
    services.correct_and_suggest(
        by=service["clinician"],
        current_view=allocated,
        reason="Anxiety was rated, not low mood.",
        version=1,
        completed_on=allocated.completed_on,
        completing_reason="first_contact",
        practitioner=service["clinician"],
        ratings=ratings(p03=3),
    )
    table = movement.figures(manager, rules_version).movement
    rows = {(row.from_code, row.to_code): row.cases for row in table.itertuples()}
    assert rows == {("GH03", "GH04"): 1}
    newer = copy_of_current_rules_version("CAMHS-NBG v2")
    assert bulk.regroup_cases(type(case).objects.filter(pk=case.pk), newer).views == 1
    assert Suggestion.objects.get(rules_version=newer).pair_code == "GH04"
    assert CurrentView.objects.count() == 1
