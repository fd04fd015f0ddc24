"""Patients, referrals and contacts from an extract are shown as from the records system and are read-only in
this product's forms: the pages refuse with a clear message, the buttons are not shown, the services refuse."""

import pytest
from django.urls import reverse

from accounts.models import User
from assessments import limits, services
from assessments.models import Case
from imports import merge
from imports.files import read_extract
from tests.imports import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(service, tmp_path):
    merge.load(service["provider"], read_extract(helpers.write(tmp_path / "x", helpers.rows(service))))
    return Case.objects.get(local_id="R0")


def test_the_case_page_says_from_the_records_system_without_edit_buttons(client, service, imported):
    client.force_login(service["clinician"])
    page = client.get(reverse("assessments:case_detail", args=[imported.pk])).content.decode()
    assert "From the records system" in page
    assert reverse("assessments:contact_create", args=[imported.pk]) not in page
    assert reverse("assessments:case_discharge", args=[imported.pk]) not in page


@pytest.mark.parametrize("page", ["contact_create", "case_discharge", "case_reopen"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_edit_pages_of_an_imported_referral_refuse_with_a_message(
    client, service, imported, page, method
):
    client.force_login(service["clinician"])
    response = getattr(client, method)(reverse(f"assessments:{page}", args=[imported.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("assessments:case_detail", args=[imported.pk])
    assert limits.FROM_RECORDS_SYSTEM in response.content.decode()
    assert imported.contacts.count() == 2


def test_the_services_refuse_too(service, imported):
    clinician = service["clinician"]
    with pytest.raises(services.RecordRefused, match="records system"):
        services.discharge_case(
            by=clinician,
            case=imported,
            closed_date=imported.referral_date,
            discharge_reason="completed",
            version=1,
        )
    practitioner = User.objects.get(local_id="S1")
    with pytest.raises(services.RecordRefused, match="records system"):
        services.record_contact(
            by=clinician,
            case=imported,
            starts_at=imported.contacts.first().starts_at,
            duration_minutes=30,
            attendance="attended",
            mode="telephone",
            clinician=practitioner,
        )


def test_an_imported_contact_is_not_corrected_here(client, service, imported):
    """Corrections of contacts entered here (issue 31, point 8) stop at a contact from the records system."""
    contact = imported.contacts.order_by("pk").first()
    client.force_login(service["clinician"])
    page = client.get(reverse("assessments:case_detail", args=[imported.pk])).content.decode()
    assert reverse("assessments:contact_correct", args=[imported.pk, contact.pk]) not in page
    with pytest.raises(services.RecordRefused, match="records system"):
        services.correct_contact(
            by=service["clinician"],
            contact=contact,
            reason="The time was wrong.",
            version=contact.version,
            starts_at=contact.starts_at,
            duration_minutes=contact.duration_minutes + 5,
            attendance=contact.attendance,
            mode=contact.mode,
            clinician=contact.clinician,
        )
    contact.refresh_from_db()
    assert contact.version == 1 and not contact.earlier_versions.exists()
