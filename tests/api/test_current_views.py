"""Storing a Current View through the API: the browser's service, once per Idempotency-Key; allocations read back."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from accounts.audit import Action, AuditEvent
from assessments.caseload_search import case_reference
from assessments.current_view_items import ALL_ITEMS
from assessments.models import CurrentView
from groupings.models import Suggestion
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def body(world, **changes):
    return {
        "completed_on": "2025-04-01",
        "reason": "changed_situation",
        "practitioner": world["clinician"].username,
        "items": {**dict.fromkeys(ALL_ITEMS, "Not known"), "p15": "Severe", "c31": "No"},
        **changes,
    }


def store(client, world, text, data, key="retry-1"):
    url = reverse("api:current_views", args=[case_reference(world["case"].pk)])
    headers = bearer(text) | ({"HTTP_IDEMPOTENCY_KEY": key} if key else {})
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def test_a_current_view_is_stored_with_its_suggestion_once_per_idempotency_key(client, world, key_for):
    text = key_for("provider", ["grouping"])
    first = store(client, world, text, body(world))
    again = store(client, world, text, body(world))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    views = CurrentView.objects.filter(case=world["case"], completed_on=dt.date(2025, 4, 1))
    assert views.count() == 1
    stored = views.get()
    assert stored.ratings() | {"p15": 3, "c31": 0, "p01": None} == stored.ratings()
    assert Suggestion.objects.filter(current_view=stored).count() == 1
    assert first.json()["suggestion"]["rules_version"] == "CAMHS-NBG v1"
    event = AuditEvent.objects.get(action=Action.RECORD_CURRENT_VIEW, object_id=str(stored.pk))
    assert event.username.startswith("api-")
    assert store(client, world, text, body(world), key="retry-2").status_code == 201


def test_without_an_idempotency_key_nothing_is_stored(client, world, key_for):
    response = store(client, world, key_for("provider", ["grouping"]), body(world), key=None)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()
    assert world["case"].current_views.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"completed_on": "2025-02-30"}, "completed_on"),
        ({"completed_on": "2024-01-01"}, "completed_on"),  # before the referral
        ({"completed_on": 20250401}, "completed_on"),
        ({"reason": "whim"}, "reason"),
        ({"practitioner": "nobody"}, "practitioner"),
        ({"practitioner": ["x"]}, "practitioner"),
        ({"items": {"p01": "Mild"}}, "items"),  # every item is answered on the form
        ({"items": None}, "items"),
        ({"notes": "free text"}, "notes"),
    ],
)
def test_bad_fields_answer_400_naming_each(client, world, key_for, changes, field):
    response = store(client, world, key_for("provider", ["grouping"]), body(world, **changes))
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert world["case"].current_views.count() == 1


def test_a_closed_case_refuses_a_current_view(client, world, key_for):
    from tests import factories

    factories.discharge(world["case"], world["clinician"])
    response = store(client, world, key_for("provider", ["grouping"]), body(world))
    assert response.status_code == 400 and "closed" in json.dumps(response.json()).lower()


def test_allocations_are_read_back(client, world, key_for):
    url = reverse("api:allocations", args=[case_reference(world["case"].pk)])
    got = client.get(url, **bearer(key_for("provider", ["records:read"]))).json()
    allocation = world["case"].allocations.get()
    assert got == {
        "case": case_reference(world["case"].pk),
        "allocations": [
            {
                "grouping": allocation.grouping.code,
                "add_on_grouping": None,
                "rules_version": "CAMHS-NBG v1",
                "start_date": allocation.start_date.isoformat(),
                "end_date": None,
                "review_due": allocation.review_due.isoformat(),
                "suggested_grouping": allocation.grouping.code,
                "reason_category": "",
            }
        ],
    }


def test_an_unknown_reference_answers_404(client, world, key_for):
    text = key_for("provider", ["records:read"])
    for ref in ("C999999", "nonsense", "C" + "9" * 30):
        assert client.get(reverse("api:allocations", args=[ref]), **bearer(text)).status_code == 404
