"""A closed case is read-only until it is reopened with a reason; discharge ends the open allocation."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments import limits, services
from assessments.models import Case, CaseReopening, Contact
from assessments.scoring import Answers
from groupings import services as grouping_services
from groupings.models import Allocation
from tests import factories
from tests.groupings.helpers import ratings

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(service):
    return factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))


def allocated(case, clinician, on=dt.date(2025, 2, 3)):
    _, suggestion = grouping_services.record_and_suggest(
        by=clinician,
        case=case,
        completed_on=on,
        reason="first_contact",
        practitioner=clinician,
        ratings=ratings(p09=2),
    )
    assert suggestion.grouping is not None
    allocation = grouping_services.allocate_grouping(
        seen_allocation=None,
        by=clinician,
        case=case,
        suggestion=suggestion,
        grouping=suggestion.grouping,
        on=on,
    )
    return suggestion, allocation


def discharge(case, clinician, on=dt.date(2025, 6, 1), reason="completed"):
    return factories.discharge(case, clinician, on=on, reason=reason)


WRITES = {
    "contact": lambda case, who: services.record_contact(
        by=who,
        case=case,
        starts_at=timezone.make_aware(dt.datetime(2025, 7, 1, 10)),
        duration_minutes=30,
        attendance="attended",
        mode="telephone",
        clinician=who,
    ),
    "current view": lambda case, who: services.record_current_view(
        by=who,
        case=case,
        completed_on=dt.date(2025, 7, 1),
        reason="changed_situation",
        practitioner=who,
        ratings=ratings(),
    ),
    "cgas": lambda case, who: services.record_measure(
        by=who,
        case=case,
        measure="cgas",
        informant="clinician",
        completed_on=dt.date(2025, 7, 1),
        answers=Answers({1: 55}),
    ),
    "goal": lambda case, who: services.set_goal(
        by=who, case=case, number=1, description="Sleep better", agreed_on=dt.date(2025, 7, 1)
    ),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_closed_case_refuses_new_records(service, case, write):
    closed = discharge(case, service["clinician"])
    with pytest.raises(services.RecordRefused, match="This case is closed"):
        write(closed, service["clinician"])


def test_a_closed_case_refuses_an_allocation_and_a_correction(service, case):
    clinician = service["clinician"]
    suggestion, _ = allocated(case, clinician)
    cgas = services.record_measure(
        by=clinician,
        case=case,
        measure="cgas",
        informant="clinician",
        completed_on=dt.date(2025, 7, 1),
        answers=Answers({1: 55}),
    )
    closed = discharge(case, clinician)
    with pytest.raises(grouping_services.AllocationRefused, match="This case is closed"):
        grouping_services.allocate_grouping(
            seen_allocation=None,
            by=clinician,
            case=closed,
            suggestion=suggestion,
            grouping=suggestion.grouping,
        )
    with pytest.raises(services.RecordRefused, match="This case is closed"):
        services.correct_measure(by=clinician, response=cgas, answers=Answers({1: 60}), version=cgas.version)


def test_discharge_ends_the_open_allocation_on_the_discharge_date(service, case):
    _, allocation = allocated(case, service["clinician"])
    discharge(case, service["clinician"], on=dt.date(2025, 6, 1))
    allocation.refresh_from_db()
    assert allocation.end_date == dt.date(2025, 6, 1)
    assert not Allocation.objects.open().exists()


def test_a_discharge_before_the_current_grouping_started_is_refused_and_changes_nothing(service, case):
    allocated(case, service["clinician"], on=dt.date(2025, 3, 1))
    with pytest.raises(services.RecordRefused, match="before the current grouping started"):
        discharge(case, service["clinician"], on=dt.date(2025, 2, 1))
    assert Case.objects.get(pk=case.pk).is_open
    assert Allocation.objects.get().end_date is None


def test_reopening_needs_a_reason(service, case):
    closed = discharge(case, service["clinician"])
    with pytest.raises(services.RecordRefused, match=limits.REOPEN_NEEDS_REASON):
        services.reopen_case(by=service["clinician"], case=closed, reason="  ", version=closed.version)


def test_reopening_keeps_the_closure_and_the_case_takes_records_again(service, case):
    clinician = service["clinician"]
    closed = discharge(case, clinician, on=dt.date(2025, 6, 1), reason="declined")
    reopened = services.reopen_case(
        by=clinician, case=closed, reason="Family asked to re-engage", version=closed.version
    )
    assert reopened.is_open and reopened.discharge_reason == ""
    kept = CaseReopening.objects.get()
    assert (kept.closed_date, kept.discharge_reason, kept.reason, kept.reopened_by) == (
        dt.date(2025, 6, 1),
        "declined",
        "Family asked to re-engage",
        clinician,
    )
    WRITES["contact"](reopened, clinician)
    assert Contact.objects.count() == 1


def test_a_case_cannot_be_reopened_beside_another_open_case_with_the_same_team(service, case):
    closed = discharge(case, service["clinician"])
    factories.case(service["team_a"], case.patient)
    with pytest.raises(services.CaseConflict, match=limits.ONE_OPEN_REFERRAL_PER_TEAM):
        services.reopen_case(by=service["clinician"], case=closed, reason="again", version=closed.version)


class TestPages:
    def test_a_closed_case_page_offers_reopening_and_no_recording(self, client, service, case):
        discharge(case, service["clinician"])
        client.force_login(service["clinician"])
        page = client.get(f"/cases/{case.pk}/").content.decode()
        assert f"/cases/{case.pk}/reopen/" in page
        for hidden in ("/contacts/new/", "/discharge/", "/current-views/new/", "/goals/new/", "/correct/"):
            assert hidden not in page

    @pytest.mark.parametrize(
        "path", ["contacts/new/", "current-views/new/", "goals/new/", "measures/cgas/clinician/new/"]
    )
    def test_a_recording_page_of_a_closed_case_sends_back_to_the_case(self, client, service, case, path):
        discharge(case, service["clinician"])
        client.force_login(service["clinician"])
        response = client.post(f"/cases/{case.pk}/{path}", {}, follow=True)
        assert response.redirect_chain[-1][0] == f"/cases/{case.pk}/"
        assert limits.CASE_CLOSED in response.content.decode()

    def test_reopening_through_the_page(self, client, service, case):
        closed = discharge(case, service["clinician"])
        client.force_login(service["clinician"])
        refused = client.post(f"/cases/{case.pk}/reopen/", {"reason": "", "version": closed.version})
        assert limits.REOPEN_NEEDS_REASON in refused.content.decode()
        client.post(f"/cases/{case.pk}/reopen/", {"reason": "New concerns", "version": closed.version})
        assert Case.objects.get(pk=case.pk).is_open
        assert "New concerns" in client.get(f"/cases/{case.pk}/").content.decode()
