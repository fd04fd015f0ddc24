"""A contact entered in this product is corrected with a reason; the earlier version is kept, shown and
audited, and every report counts the contact once, as corrected (issue 31, point 8)."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.audit import Action, AuditEvent
from accounts.models import Profession, Role
from assessments import services
from assessments.models import Contact, ContactVersion
from camhs_pbr.lib.service_time import service_zone
from groupings.models import Grouping
from reports.cost_report import cost_rows
from reports.periods import Month
from tests import factories

pytestmark = pytest.mark.django_db

OCTOBER = Month.of("2026-10")


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, tzinfo=service_zone())


@pytest.fixture
def case(service):
    return factories.case(
        service["team_a"], commissioner=service["commissioner"], accepted_date=dt.date(2026, 9, 1)
    )


@pytest.fixture
def contact(service, case) -> Contact:
    return services.record_contact(
        by=service["clinician"],
        case=case,
        starts_at=at(5),
        duration_minutes=60,
        attendance="attended",
        mode="face_to_face",
        clinician=service["clinician"],
    )


def form_data(contact: Contact, **changes) -> dict:
    data = {
        "starts_at": "2026-10-05T10:00",
        "duration_minutes": "60",
        "attendance": "attended",
        "mode": "face_to_face",
        "clinician": str(contact.clinician_id),
        "version": str(contact.version),
        "correction_reason": "Typed 60 for 30.",
    }
    return {**data, **changes}


def url(contact: Contact) -> str:
    return f"/cases/{contact.case_id}/contacts/{contact.pk}/correct/"


def test_a_correction_with_a_reason_changes_the_contact_and_keeps_the_earlier_version(
    client, service, contact
):
    client.force_login(service["clinician"])
    response = client.post(url(contact), form_data(contact, duration_minutes="30"))
    assert response.status_code == 302
    corrected = Contact.objects.get(pk=contact.pk)
    assert (corrected.duration_minutes, corrected.version, corrected.corrected_by) == (
        30,
        2,
        service["clinician"],
    )
    earlier = ContactVersion.objects.get(contact=contact)
    assert (earlier.duration_minutes, earlier.recorded_by, earlier.correction_reason) == (
        60,
        service["clinician"],
        "Typed 60 for 30.",
    )
    assert Contact.objects.count() == 1


def test_a_correction_without_a_reason_is_refused_and_changes_nothing(client, service, contact):
    client.force_login(service["clinician"])
    response = client.post(url(contact), form_data(contact, duration_minutes="30", correction_reason="  "))
    assert response.status_code == 200
    assert "Say why this record is corrected." in response.content.decode()
    assert Contact.objects.get(pk=contact.pk).duration_minutes == 60
    assert not ContactVersion.objects.exists()
    with pytest.raises(services.RecordRefused, match="Say why"):
        services.correct_contact(
            by=service["clinician"],
            contact=contact,
            reason="",
            version=1,
            **{**{n: getattr(contact, n) for n in services.CONTACT_DETAILS}, "duration_minutes": 30},
        )


def test_the_case_page_shows_who_corrected_a_contact_why_and_how_it_read_before(client, service, contact):
    client.force_login(service["clinician"])
    client.post(url(contact), form_data(contact, duration_minutes="30", attendance="dna"))
    page = client.get(f"/cases/{contact.case_id}/").content.decode()
    name = service["clinician"].display_name
    assert f"by {name}: Typed 60 for 30." in page
    assert "Before: 05/10/2026 10:00, 60 minutes, attended" in page


def test_a_correction_is_audited_with_the_names_of_the_changed_details_only(service, contact):
    psychologist = factories.user(
        Role.CLINICIAN, teams=(service["team_a"],), profession=Profession.objects.get(code="clin_psych")
    )
    services.correct_contact(
        by=service["clinician"],
        contact=contact,
        reason="Seen by the psychologist, for 45 minutes.",
        version=1,
        starts_at=contact.starts_at,
        duration_minutes=45,
        attendance="attended",
        mode="face_to_face",
        clinician=psychologist,
    )
    event = AuditEvent.objects.get(action=Action.CORRECT_CONTACT)
    assert event.changed_fields == ["clinician", "duration_minutes"]
    assert (event.object_id, event.case_id) == (str(contact.pk), contact.case_id)
    assert "45" not in str(event.changed_fields) and "psychologist" not in str(
        list(AuditEvent.objects.values())
    )
    assert Contact.objects.get(pk=contact.pk).profession.code == "clin_psych"  # the new clinician's


def test_a_stale_correction_is_refused(service, contact):
    details = {n: getattr(contact, n) for n in services.CONTACT_DETAILS}
    services.correct_contact(
        by=service["clinician"],
        contact=contact,
        reason="first",
        version=1,
        **{**details, "duration_minutes": 50},
    )
    with pytest.raises(services.EditConflict):
        services.correct_contact(
            by=service["clinician"],
            contact=contact,
            reason="second",
            version=1,
            **{**details, "duration_minutes": 40},
        )
    assert Contact.objects.get(pk=contact.pk).duration_minutes == 50


def test_the_cost_report_counts_the_corrected_duration_once(client, service, case, contact):
    grouping = Grouping.objects.get(rules_version__is_current=True, code="GA01")
    case.allocations.create(
        grouping=grouping,
        suggested_grouping=grouping,
        start_date=dt.date(2026, 9, 1),
        review_due=dt.date(2026, 12, 1),
        allocated_by=service["clinician"],
    )
    client.force_login(service["clinician"])
    client.post(url(contact), form_data(contact, duration_minutes="30"))
    row = cost_rows(OCTOBER, service["provider"].code, grouping.rules_version).iloc[0]
    assert (row["contacts_attended"], row["attended_hours"], row["cost"]) == (
        1,
        Decimal("0.50"),
        Decimal("18.50"),
    )


def test_a_contact_of_a_closed_case_is_not_corrected(client, service, case, contact):
    factories.discharge(case, service["clinician"], on=dt.date(2026, 10, 20))
    client.force_login(service["clinician"])
    response = client.post(url(contact), form_data(contact, duration_minutes="30"))
    assert response.status_code == 302 and Contact.objects.get(pk=contact.pk).duration_minutes == 60


def test_a_correction_makes_the_managers_dashboard_count_again(service, contact):
    from dashboards.cache import data_stamp

    before = data_stamp()
    details = {n: getattr(contact, n) for n in services.CONTACT_DETAILS}
    services.correct_contact(
        by=service["clinician"],
        contact=contact,
        reason="30 minutes",
        version=1,
        **{**details, "duration_minutes": 30},
    )
    assert data_stamp() != before
