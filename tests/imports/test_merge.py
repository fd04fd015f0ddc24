"""Loading an extract: keyed by local id, idempotent, updates audited by field name, delta and full modes."""

import pytest

from accounts.audit import Action, AuditEvent
from accounts.models import User
from assessments.models import Case, Contact, CurrentView, Patient
from groupings.models import Allocation, Suggestion
from imports import merge
from imports.files import CONTACTS, PATIENTS, REFERRALS, read_extract
from tests.imports import helpers

pytestmark = pytest.mark.django_db


def load(service, tmp_path, files, name="x", **options):
    folder = helpers.write(tmp_path / name, files)
    return merge.load(service["provider"], read_extract(folder, full=options.get("full", False)), **options)


def test_an_extract_loads_every_valid_record_keyed_by_local_id(service, tmp_path):
    outcome = load(service, tmp_path, helpers.rows(service))
    assert outcome.rejected == []
    assert {name: c.loaded for name, c in outcome.counts.items()} == {
        "patients.csv": 2,
        "staff.csv": 1,
        "referrals.csv": 2,
        "contacts.csv": 2,
        "current_views.csv": 1,
    }
    assert set(Patient.objects.values_list("local_id", flat=True)) == {"P0", "P1"}
    practitioner = User.objects.get(local_id="S1")
    assert not practitioner.is_active and not practitioner.has_usable_password()
    assert practitioner.teams.get() == service["team_a"]
    assert (
        Contact.objects.filter(clinician=practitioner, attendance="attended", mode="face_to_face").count()
        == 2
    )
    view = CurrentView.objects.get(local_id="A0")
    suggestion = Suggestion.objects.get(current_view=view)
    assert (
        suggestion.grouping is not None and suggestion.grouping.code == "GH03"
    )  # p09 Moderate alone: depression
    assert not Allocation.objects.exists()


def test_loading_the_same_extract_twice_changes_nothing(service, tmp_path):
    files = helpers.rows(service)
    load(service, tmp_path, files, "first")
    counts = [model.objects.count() for model in (Patient, Case, Contact, CurrentView, User, Suggestion)]
    events = AuditEvent.objects.exclude(action=Action.IMPORT_RECORDS).count()
    outcome = load(service, tmp_path, files, "second")
    assert all(c.loaded == 0 and c.updated == 0 and c.rejected == 0 for c in outcome.counts.values())
    assert [
        model.objects.count() for model in (Patient, Case, Contact, CurrentView, User, Suggestion)
    ] == counts
    assert AuditEvent.objects.exclude(action=Action.IMPORT_RECORDS).count() == events


def test_a_later_extract_updates_what_changed_with_one_event_naming_the_fields(service, tmp_path):
    files = helpers.rows(service)
    load(service, tmp_path, files, "first")
    files[PATIENTS][0]["Postcode"] = "M1 1AE"
    files[REFERRALS][1]["ServDischDate"] = "2024-03-01"
    files[REFERRALS][1]["DischargeReason"] = "completed"
    outcome = load(service, tmp_path, files, "second")
    assert outcome.counts["patients.csv"].updated == 1
    assert outcome.counts["referrals.csv"].updated == 1
    assert Patient.objects.get(local_id="P0").postcode == "M1 1AE"
    events = AuditEvent.objects.filter(action=Action.UPDATE_FROM_EXTRACT)
    assert sorted(event.changed_fields for event in events) == [
        ["closed_date", "discharge_reason"],
        ["postcode"],
    ]
    case = Case.objects.get(local_id="R1")
    assert case.closed_date is not None and case.version == 2


def test_delta_touches_only_what_the_files_hold_and_full_flags_the_rest(service, tmp_path):
    files = helpers.rows(service)
    load(service, tmp_path, files, "first")
    smaller = {**files, CONTACTS: files[CONTACTS][:1]}
    load(service, tmp_path, smaller, "delta")
    assert not Contact.objects.filter(not_in_latest_extract__isnull=False).exists()
    outcome = load(service, tmp_path, smaller, "full", full=True)
    assert outcome.counts["contacts.csv"].flagged == 1
    assert list(
        Contact.objects.filter(not_in_latest_extract__isnull=False).values_list("local_id", flat=True)
    ) == ["C1"]
    assert Contact.objects.count() == 2  # never deleted
    load(service, tmp_path, files, "back", full=True)
    assert not Contact.objects.filter(not_in_latest_extract__isnull=False).exists()


def test_a_dry_run_writes_nothing(service, tmp_path):
    outcome = load(service, tmp_path, helpers.rows(service), dry_run=True)
    assert outcome.counts["patients.csv"].loaded == 2
    assert not Patient.objects.exists() and not Contact.objects.exists()
