"""The two paths of a load give the same answers: the set-based one of PostgreSQL (sql_merge.py, sql_checks.py)
and the embedded one of `make run` (merge.load_in_python, checks.py). Each extract here is loaded by both from
the same state (each in a savepoint, rolled back), and the rejections (file, line, column, reason), the counts
and the records written must be the same, so that the two definitions of the rules cannot drift apart."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q

from accounts.audit import Action, AuditEvent
from accounts.models import User
from assessments.current_view_items import ALL_ITEMS
from assessments.models import Case, Contact, CurrentView, Patient
from groupings.models import Suggestion
from imports import merge, sql_merge
from imports.files import CONTACTS, CURRENT_VIEWS, PATIENTS, REFERRALS, STAFF, read_extract
from tests.imports import helpers
from tests.imports.test_bad_input import ROW_FAULTS

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based path is PostgreSQL's"),
]


FLAGGED = ExpressionWrapper(Q(not_in_latest_extract__isnull=False), output_field=BooleanField())


def _records(provider) -> dict[str, list]:
    # Every field each record holds, written out here rather than taken from imports/fields.py, which both merges
    # read: a field that list forgot would be left unset by both alike, and only a list of its own shows it.
    flag = "flagged"
    return {
        "patients": sorted(
            Patient.objects.filter(provider=provider)
            .annotate(flagged=FLAGGED)
            .values_list(
                "local_id",
                "nhs_number",
                "date_of_birth",
                "gender",
                "ethnic_category",
                "postcode",
                "given_name",
                "family_name",
                flag,
            )
        ),
        "staff": sorted(
            User.objects.exclude(local_id="").values_list(
                "local_id", "first_name", "last_name", "profession__code", "is_active", "teams__code"
            )
        ),
        "cases": sorted(
            Case.objects.filter(source_provider=provider)
            .annotate(flagged=FLAGGED)
            .values_list(
                "local_id",
                "patient__local_id",
                "team__code",
                "commissioner__code",
                "referral_date",
                "referral_source",
                "accepted_date",
                "closed_date",
                "discharge_reason",
                "version",
                flag,
            )
        ),
        "contacts": sorted(
            Contact.objects.filter(source_provider=provider)
            .annotate(flagged=FLAGGED)
            .values_list(
                "local_id",
                "case__local_id",
                "starts_at",
                "duration_minutes",
                "attendance",
                "mode",
                "clinician__local_id",
                "profession__code",
                flag,
            )
        ),
        "views": sorted(
            CurrentView.objects.filter(source_provider=provider)
            .annotate(flagged=FLAGGED)
            .values_list(
                "local_id", "case__local_id", "completed_on", "practitioner__local_id", *ALL_ITEMS, flag
            )
        ),
        "suggestions": sorted(
            Suggestion.objects.values_list("current_view__local_id", "grouping__code", "rule")
        ),
        "events": sorted(
            (event.object_type, tuple(event.changed_fields), event.case_id is None, event.patient_id is None)
            for event in AuditEvent.objects.filter(action=Action.UPDATE_FROM_EXTRACT)
        ),
    }


def _both(provider, folder, **options) -> None:
    """Load the extract at `folder` by each path from the state now, and require the same answers."""
    answers = []
    for load in (merge.load_in_python, sql_merge.load):
        with transaction.atomic():
            outcome = load(provider, read_extract(folder, full=options.get("full", False)), **options)
            rejected = sorted((r.file, r.line, r.column, r.reason) for r in outcome.rejected)
            answers.append((rejected, outcome.as_json(), _records(provider)))
            transaction.set_rollback(True)
    (python_rejected, python_counts, python_records), (sql_rejected, sql_counts, sql_records) = answers
    assert sql_rejected == python_rejected
    assert sql_counts == python_counts
    for kind in python_records:
        assert sql_records[kind] == python_records[kind], kind


@pytest.mark.parametrize(("fault", "change", "where", "words"), ROW_FAULTS, ids=[f[0] for f in ROW_FAULTS])
def test_each_fault_of_a_row_is_found_alike_by_both_paths(service, tmp_path, fault, change, where, words):
    files = helpers.rows(service)
    change(files)
    folder = helpers.write(tmp_path / "extract", files)
    if fault == "row of the wrong width":
        text = (folder / "contacts.csv").read_text().replace('"S1,extra"', "S1,extra")
        (folder / "contacts.csv").write_text(text)
    _both(service["provider"], folder)


def _unusual(service) -> dict:
    """Cells rows.py accepts in forms the set-based test does not (so rows.py judges them on both paths), and a
    few more faults, among them ones that hide a row's line from a simple count."""
    files = helpers.rows(service)
    patient = files[PATIENTS][0]
    number = patient["NHSNumber"]
    patient.update(
        NHSNumber=f"{number[:3]} {number[3:6]} {number[6:]}",
        GivenName="José",
        FamilyName=" O'Brien-Smith, Jr ",
        Postcode="ls14ap",
        LocalPatientId=" P0 ",
    )
    files[PATIENTS].append(dict(files[PATIENTS][1], Gender="Q"))  # the same key again, its row faulty
    files[PATIENTS].append(dict(files[PATIENTS][1], LocalPatientId="P5"))  # the same NHS number on two rows
    files[STAFF].append(
        dict(files[STAFF][0], CareProfLocalId="S2", TeamCode=" " + files[STAFF][0]["TeamCode"])
    )
    files[REFERRALS][1].update(AcceptedDate=" 2024-01-20", SourceOfReferral="GP")
    late = [
        ("C2", "2024-10-27", "01:30"),  # the hour the clocks go back: it happens twice
        ("C3", "2024-03-31", "01:30"),  # the hour the clocks go forward: it never happens
        ("C4", "2024-06-01", "10:30:00"),
        ("C5", "2024-06-02", "9:30"),
    ]
    for key, day, time in late:
        files[CONTACTS].append(
            dict(
                files[CONTACTS][0],
                CareContactId=key,
                CareContDate=day,
                CareContTime=time,
                CareProfLocalId="S2",
            )
        )
    files[CONTACTS][1].update(AttendOrDNACode="005", ConsMechanismMH="1", ClinContDurOfCareCont="060")
    files[CURRENT_VIEWS][0].update(p10="not known", p11="MILD", p12=" Severe")
    files[CURRENT_VIEWS].append(dict(files[CURRENT_VIEWS][0], AssessmentId="A1", p01="Very"))
    return files


def test_cells_in_unusual_forms_and_more_faults_are_read_alike(service, tmp_path):
    _both(service["provider"], helpers.write(tmp_path / "extract", _unusual(service)))


def test_a_quoted_newline_blank_lines_and_windows_line_ends_keep_the_lines_alike(service, tmp_path):
    files = helpers.rows(service)
    files[PATIENTS][0]["FamilyName"] = "Smi\nth"  # quoted by the writer: the row spans two lines
    files[PATIENTS][1]["Gender"] = "M"  # so its rejection names line 4
    files[CONTACTS][1]["AttendOrDNACode"] = "8"
    folder = helpers.write(tmp_path / "extract", files)
    contacts = (folder / "contacts.csv").read_text()
    (folder / "contacts.csv").write_text(contacts.replace("\n", "\n\n", 1))  # a blank line after the header
    referrals = (folder / "referrals.csv").read_bytes()
    (folder / "referrals.csv").write_bytes(referrals.replace(b"\n", b"\r\n"))
    _both(service["provider"], folder)


def test_a_later_extract_updates_flags_and_refuses_alike(service, tmp_path):
    files = helpers.rows(service)
    files[STAFF].append(dict(files[STAFF][0], CareProfLocalId="S2", FamilyName="Other"))
    sql_merge.load(service["provider"], read_extract(helpers.write(tmp_path / "first", files)))
    files[PATIENTS][0]["Postcode"] = "M1 1AE"
    files[STAFF][1]["ProfessionCode"] = "clin_psych"
    files[REFERRALS][1].update(ServDischDate="2024-03-01", DischargeReason="completed")
    files[REFERRALS].append(dict(files[REFERRALS][0], ServiceRequestId="R7"))  # P0's second open referral
    files[CONTACTS][0].update(CareProfLocalId="S2", ClinContDurOfCareCont="45")
    files[CURRENT_VIEWS][0]["p09"] = "Severe"
    files[CONTACTS] = files[CONTACTS][:1]  # C1 no longer in the extract
    _both(service["provider"], helpers.write(tmp_path / "later", files), full=True)
    _both(service["provider"], helpers.write(tmp_path / "same", helpers.rows(service)))
    _both(service["provider"], helpers.write(tmp_path / "dry", files), dry_run=True)


def test_the_unchanged_extract_changes_nothing_alike(service, tmp_path):
    files = helpers.rows(service)
    folder = helpers.write(tmp_path / "x", files)
    sql_merge.load(service["provider"], read_extract(folder))
    _both(service["provider"], folder)
    assert dt.date.today() >= dt.date(2024, 2, 1)  # the fixtures' contacts are in the past


def test_a_line_that_would_end_a_copy_is_a_row_of_the_wrong_width_on_both_paths(service, tmp_path):
    files = helpers.rows(service)
    folder = helpers.write(tmp_path / "extract", files)
    lines = (folder / "contacts.csv").read_text().splitlines(keepends=True)
    (folder / "contacts.csv").write_text("".join([*lines[:2], "\\.\n", *lines[2:]]))
    _both(service["provider"], folder)
    outcome = sql_merge.load(service["provider"], read_extract(folder))
    assert [(r.file, r.line) for r in outcome.rejected] == [("contacts.csv", 3)]
    assert outcome.counts["contacts.csv"].loaded == 2
