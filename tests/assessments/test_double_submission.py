"""A form submitted twice (a double click, a resent POST) creates its record once and answers the second
submission with the first one's result."""

import datetime as dt
import re
import threading
import uuid

import pytest
from django.db import connection

from accounts.models import Role
from assessments import services
from assessments.current_view_items import ITEMS
from assessments.models import Case, Contact, CurrentView, Goal, MeasureResponse, Patient
from assessments.submissions import KEY_MISSING, create_once
from groupings import services as grouping_services
from groupings.models import Allocation
from tests import factories
from tests.groupings.helpers import ratings

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(service):
    return factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))


def twice(client, url: str, data: dict):
    """POST the same form, with the same one-time key, two times; return both responses."""
    data = data | {"submission_key": str(uuid.uuid4())}
    return client.post(url, data), client.post(url, data)


def assert_once(responses, model) -> None:
    first, second = responses
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert model.objects.count() == 1


def assert_nothing_made_without_a_key(client, url: str, data: dict, model) -> None:
    """Sent three times without its key, the form is shown again with the message and a new key, and nothing
    is made (a missing key used to mean "create without the check")."""
    for _ in range(3):
        response = client.post(url, data)
        page = response.content.decode()
        assert response.status_code == 200 and KEY_MISSING in page
        assert re.search(r'name="submission_key" value="[0-9a-f-]{36}"', page)
    assert not model.objects.exists()


def test_the_key_is_in_the_empty_form_and_new_each_time(client, service, case):
    client.force_login(service["clinician"])
    url = f"/cases/{case.pk}/contacts/new/"
    keys = [
        re.search(r'name="submission_key" value="([^"]+)"', client.get(url).content.decode()) for _ in "ab"
    ]
    assert keys[0] and keys[1] and keys[0].group(1) != keys[1].group(1)


def test_a_contact(client, service, case):
    client.force_login(service["clinician"])
    data = {
        "starts_at": "2025-04-01T10:00",
        "duration_minutes": "60",
        "attendance": "attended",
        "mode": "face_to_face",
        "clinician": service["clinician"].pk,
    }
    assert_nothing_made_without_a_key(client, f"/cases/{case.pk}/contacts/new/", data, Contact)
    assert_once(twice(client, f"/cases/{case.pk}/contacts/new/", data), Contact)


def test_a_current_view(client, service, case):
    client.force_login(service["clinician"])
    data = {"completed_on": "2025-02-03", "reason": "first_contact", "practitioner": service["clinician"].pk}
    data |= {item.id: "0" for item in ITEMS}
    assert_nothing_made_without_a_key(client, f"/cases/{case.pk}/current-views/new/", data, CurrentView)
    assert_once(twice(client, f"/cases/{case.pk}/current-views/new/", data), CurrentView)


def test_a_cgas(client, service, case):
    client.force_login(service["clinician"])
    data = {"completed_on": "2025-02-01", "cgas": "55"}
    assert_nothing_made_without_a_key(
        client, f"/cases/{case.pk}/measures/cgas/clinician/new/", data, MeasureResponse
    )
    assert_once(twice(client, f"/cases/{case.pk}/measures/cgas/clinician/new/", data), MeasureResponse)


def test_a_goal(client, service, case):
    client.force_login(service["clinician"])
    data = {"number": "1", "description": "Go to school", "agreed_on": "2025-02-01"}
    data |= {"version_1": "0", "version_2": "0", "version_3": "0"}
    assert_nothing_made_without_a_key(client, f"/cases/{case.pk}/goals/new/", data, Goal)
    assert_once(twice(client, f"/cases/{case.pk}/goals/new/", data), Goal)


def test_an_allocation(client, service, case):
    clinician = service["clinician"]
    current_view, suggestion = grouping_services.record_and_suggest(
        by=clinician,
        case=case,
        completed_on=dt.date(2025, 2, 3),
        reason="first_contact",
        practitioner=clinician,
        ratings=ratings(p09=2),
    )
    client.force_login(clinician)
    data = {"grouping": suggestion.grouping_id, "seen_allocation": ""}
    assert_nothing_made_without_a_key(
        client, f"/cases/{case.pk}/current-views/{current_view.pk}/", data, Allocation
    )
    assert_once(twice(client, f"/cases/{case.pk}/current-views/{current_view.pk}/", data), Allocation)


def test_a_referral(client, service):
    patient = factories.patient(registered_by=service["clinician"], provider=service["provider"])
    client.force_login(service["clinician"])
    data = {
        "team": service["team_a"].pk,
        "referral_date": "2025-03-01",
        "referral_source": "gp",
        "commissioner": service["commissioner"].pk,
    }
    assert_nothing_made_without_a_key(client, f"/patients/{patient.pk}/referrals/new/", data, Case)
    assert_once(twice(client, f"/patients/{patient.pk}/referrals/new/", data), Case)


def test_a_patient(client, service):
    client.force_login(service["clinician"])
    data = {
        "nhs_number": "943 476 5919",
        "given_name": "Maya",
        "family_name": "Rahman",
        "date_of_birth": "2013-02-01",
        "gender": "2",
        "ethnic_category": "K",
        "postcode": "LS1 4AP",
    }
    assert_nothing_made_without_a_key(client, "/patients/new/", data, Patient)
    assert_once(twice(client, "/patients/new/", data), Patient)


def test_another_users_key_is_their_own(service, case):
    colleague = factories.user(Role.CLINICIAN, teams=(service["team_a"],))
    key = uuid.uuid4()
    create_once(by=service["clinician"], key=key, create=lambda: factories.contact(case, colleague))
    create_once(by=colleague, key=key, create=lambda: factories.contact(case, colleague))
    assert Contact.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_of_one_form_create_one_contact(reference_data):
    team = factories.team()
    clinician = factories.user(Role.CLINICIAN, teams=(team,))
    case = factories.case(team, referral_date=dt.date(2025, 1, 6))
    key, made = uuid.uuid4(), []
    start = threading.Barrier(5)

    def submit() -> None:
        try:
            start.wait()
            contact = create_once(
                by=clinician,
                key=key,
                create=lambda: services.record_contact(
                    by=clinician,
                    case=case,
                    starts_at=dt.datetime(2025, 4, 1, 10, tzinfo=dt.UTC),
                    duration_minutes=60,
                    attendance="attended",
                    mode="telephone",
                    clinician=clinician,
                ),
            )
            made.append(contact.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Contact.objects.count() == 1 and len(set(made)) == 1 and len(made) == 5
