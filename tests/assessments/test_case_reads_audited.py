"""Reads of case records leave a trace: the case page, the caseload and its searches (never the terms)."""

import pytest

from accounts.audit import Action, AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def test_opening_a_case_page_is_recorded_with_the_case_and_patient(client, service):
    case = factories.case(service["team_a"])
    client.force_login(service["clinician"])
    response = client.get(f"/cases/{case.pk}/")
    event = AuditEvent.objects.get(action=Action.VIEW_CASE)
    assert (event.user, event.role) == (service["clinician"], service["clinician"].role)
    assert (event.case_id, event.patient_id, event.object_type) == (
        case.pk,
        case.patient_id,
        "assessments.case",
    )
    assert event.request_id == response["X-Request-ID"]


def test_the_caseload_and_a_search_are_recorded_without_the_search_terms(client, service):
    case = factories.case(service["team_a"])
    client.force_login(service["clinician"])
    client.get("/cases/")
    client.post("/cases/", {"q": case.patient.family_name}, follow=True)
    events = AuditEvent.objects.exclude(action=Action.LOGIN).order_by("pk")
    assert list(events.values_list("action", flat=True)) == [Action.VIEW_CASELOAD, Action.SEARCH_CASELOAD]
    assert case.patient.family_name not in str(list(events.values()))
