"""The grouping workflow's state changes leave a trace: Current Views, allocations, re-grouping runs."""

import datetime as dt

import pytest

from accounts.audit import Action, AuditEvent
from groupings import services
from groupings.models import RulesVersion
from tests import factories
from tests.groupings.helpers import ratings

pytestmark = pytest.mark.django_db


def test_recording_a_current_view_and_allocating_are_recorded(service):
    case = factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))
    clinician = service["clinician"]
    current_view, suggestion = services.record_and_suggest(
        by=clinician,
        case=case,
        completed_on=dt.date(2025, 2, 3),
        reason="first_contact",
        practitioner=clinician,
        ratings=ratings(),
    )
    assert suggestion.grouping is not None
    allocation = services.allocate_grouping(
        by=clinician, case=case, suggestion=suggestion, grouping=suggestion.grouping, seen_allocation=None
    )
    events = AuditEvent.objects.filter(case_id=case.pk).order_by("pk")
    assert list(events.values_list("action", "object_id")) == [
        (Action.RECORD_CURRENT_VIEW, str(current_view.pk)),
        (Action.ALLOCATE_GROUPING, str(allocation.pk)),
    ]


def test_starting_a_regrouping_run_is_recorded(service):
    run = services.start_regrouping(
        by=service["clinician"], rules_version=RulesVersion.objects.get(is_current=True)
    )
    event = AuditEvent.objects.get(action=Action.START_REGROUPING)
    assert (event.object_type, event.object_id) == ("groupings.regroupingrun", str(run.pk))
