"""Bad input gets a clear answer and loses nothing: each file here has one fault; the faulty row (and the rows
that depend on it) are rejected with file, line, column and reason, and every other row loads. A fault of the
whole extract refuses it before any write."""

import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.models import Case, Contact, Patient
from imports import merge
from imports.files import CONTACTS, CURRENT_VIEWS, PATIENTS, REFERRALS, STAFF, ExtractRefused, read_extract
from tests import factories
from tests.imports import helpers

pytestmark = pytest.mark.django_db


def _set(spec, index, **cells):
    def change(files):
        files[spec][index].update(cells)

    return change


def _duplicate(spec, index):
    def change(files):
        files[spec].append(dict(files[spec][index]))

    return change


# (fault, change to the valid extract, (file, line, column) rejected, words in the reason)
ROW_FAULTS = [
    (
        "NHS number fails Modulus 11",
        _set(PATIENTS, 0, NHSNumber="9434765918"),
        ("patients.csv", 2, "NHSNumber"),
        "check digit",
    ),
    (
        "date of birth not a date",
        _set(PATIENTS, 0, PersonBirthDate="2012-13-01"),
        ("patients.csv", 2, "PersonBirthDate"),
        "not a date",
    ),
    (
        "date of birth in the future",
        _set(PATIENTS, 0, PersonBirthDate="2999-01-01"),
        ("patients.csv", 2, "PersonBirthDate"),
        "future",
    ),
    (
        "unknown gender code",
        _set(PATIENTS, 1, Gender="M"),
        ("patients.csv", 3, "Gender"),
        "not one of the Gender codes",
    ),
    (
        "unknown ethnic category",
        _set(PATIENTS, 1, EthnicCategory="Q"),
        ("patients.csv", 3, "EthnicCategory"),
        "not one of the EthnicCategory codes",
    ),
    (
        "formula-looking name",
        _set(PATIENTS, 1, GivenName="=HYPERLINK(1)"),
        ("patients.csv", 3, "GivenName"),
        "formula",
    ),
    ("not a postcode", _set(PATIENTS, 1, Postcode="NOWHERE"), ("patients.csv", 3, "Postcode"), "postcode"),
    (
        "duplicate key in the file",
        _duplicate(PATIENTS, 1),
        ("patients.csv", 3, "LocalPatientId"),
        "more than once",
    ),
    (
        "unknown profession",
        _set(STAFF, 0, ProfessionCode="wizard"),
        ("staff.csv", 2, "ProfessionCode"),
        "profession",
    ),
    ("unknown team of staff", _set(STAFF, 0, TeamCode="NOPE"), ("staff.csv", 2, "TeamCode"), "team code"),
    ("unknown team", _set(REFERRALS, 1, TeamCode="NOPE"), ("referrals.csv", 3, "TeamCode"), "team code"),
    ("unknown ICB", _set(REFERRALS, 1, OrgIDComm="ZZZ"), ("referrals.csv", 3, "OrgIDComm"), "ICB"),
    (
        "unknown patient",
        _set(REFERRALS, 1, LocalPatientId="P9"),
        ("referrals.csv", 3, "LocalPatientId"),
        "not a patient",
    ),
    (
        "unknown referral source",
        _set(REFERRALS, 1, SourceOfReferral="A1"),
        ("referrals.csv", 3, "SourceOfReferral"),
        "code",
    ),
    (
        "referral date not a date",
        _set(REFERRALS, 1, ReferralRequestReceivedDate="10/01/2024"),
        ("referrals.csv", 3, "ReferralRequestReceivedDate"),
        "not a date",
    ),
    (
        "age over 25 at referral",
        _set(PATIENTS, 1, PersonBirthDate="1990-01-01"),
        ("referrals.csv", 3, "ReferralRequestReceivedDate"),
        "ages 0 to 25",
    ),
    (
        "accepted before referred",
        _set(REFERRALS, 1, AcceptedDate="2023-01-01"),
        ("referrals.csv", 3, "AcceptedDate"),
        "before the referral date",
    ),
    (
        "discharged without a reason",
        _set(REFERRALS, 1, ServDischDate="2024-05-01"),
        ("referrals.csv", 3, "DischargeReason"),
        "blank",
    ),
    (
        "second open referral to the team",
        _set(REFERRALS, 1, LocalPatientId="P0", ReferralRequestReceivedDate="2024-01-11"),
        ("referrals.csv", 3, "TeamCode"),
        "already has an open referral",
    ),
    (
        "contact before its referral",
        _set(CONTACTS, 1, CareContDate="2023-12-01"),
        ("contacts.csv", 3, "CareContDate"),
        "before the referral date",
    ),
    (
        "unknown attendance code",
        _set(CONTACTS, 1, AttendOrDNACode="8"),
        ("contacts.csv", 3, "AttendOrDNACode"),
        "AttendOrDNACode",
    ),
    (
        "a contact mechanism not recorded",
        _set(CONTACTS, 1, ConsMechanismMH="05"),
        ("contacts.csv", 3, "ConsMechanismMH"),
        "email",
    ),
    (
        "contact too long",
        _set(CONTACTS, 1, ClinContDurOfCareCont="721"),
        ("contacts.csv", 3, "ClinContDurOfCareCont"),
        "720 minutes",
    ),
    (
        "contact time not a time",
        _set(CONTACTS, 1, CareContTime="25:00"),
        ("contacts.csv", 3, "CareContTime"),
        "not a time",
    ),
    (
        "unknown referral",
        _set(CONTACTS, 1, ServiceRequestId="R9"),
        ("contacts.csv", 3, "ServiceRequestId"),
        "not a referral",
    ),
    (
        "unknown staff",
        _set(CONTACTS, 1, CareProfLocalId="S9"),
        ("contacts.csv", 3, "CareProfLocalId"),
        "not a member of staff",
    ),
    (
        "Current View item not a rating",
        _set(CURRENT_VIEWS, 0, p10="Very bad"),
        ("current_views.csv", 2, "p10"),
        "not a rating",
    ),
    (
        "row of the wrong width",
        _set(CONTACTS, 1, CareProfLocalId="S1,extra"),
        ("contacts.csv", 3, ""),
        "cells",
    ),
]


@pytest.mark.parametrize(("fault", "change", "where", "words"), ROW_FAULTS, ids=[f[0] for f in ROW_FAULTS])
def test_a_row_that_fails_a_rule_is_rejected_and_every_other_row_loads(
    service, tmp_path, fault, change, where, words
):
    files = helpers.rows(service)
    change(files)
    folder = helpers.write(tmp_path / "extract", files)
    if fault == "row of the wrong width":  # csv.DictWriter quotes the comma: write the bad line by hand
        text = (folder / "contacts.csv").read_text().replace('"S1,extra"', "S1,extra")
        (folder / "contacts.csv").write_text(text)
    outcome = merge.load(service["provider"], read_extract(folder))
    first = outcome.rejected[0]
    assert (first.file, first.line, first.column) == where
    assert words in first.reason
    total_rows = sum(len(data) for data in files.values())
    loaded = sum(counts.loaded for counts in outcome.counts.values())
    assert loaded + len(outcome.rejected) == total_rows


def test_the_contacts_of_a_rejected_referral_are_rejected_with_that_reason(service, tmp_path):
    files = helpers.rows(service)
    files[REFERRALS][0]["TeamCode"] = "NOPE"
    outcome = merge.load(service["provider"], read_extract(helpers.write(tmp_path / "x", files)))
    dependants = [r for r in outcome.rejected if r.file == "contacts.csv"]
    assert [(r.line, r.column) for r in dependants] == [(2, "ServiceRequestId"), (3, "ServiceRequestId")]
    assert all(r.reason == "its referral (referrals.csv line 2) was rejected" for r in dependants)
    assert Case.objects.get().local_id == "R1" and not Contact.objects.exists()


def test_a_second_open_referral_to_a_team_held_already_is_rejected(service, tmp_path):
    files = helpers.rows(service)
    merge.load(service["provider"], read_extract(helpers.write(tmp_path / "a", files)))
    files[REFERRALS][0]["ServiceRequestId"] = "R7"
    outcome = merge.load(service["provider"], read_extract(helpers.write(tmp_path / "b", files)))
    assert [(r.file, r.line, r.reason) for r in outcome.rejected if r.file == "referrals.csv"] == [
        ("referrals.csv", 2, "This patient already has an open referral with this team.")
    ]


def test_an_nhs_number_of_a_patient_entered_here_is_rejected(service, tmp_path):
    files = helpers.rows(service)
    factories.patient(provider=service["provider"], nhs_number=files[PATIENTS][0]["NHSNumber"])
    outcome = merge.load(service["provider"], read_extract(helpers.write(tmp_path / "x", files)))
    assert (
        outcome.rejected[0].column == "NHSNumber" and "entered in this product" in outcome.rejected[0].reason
    )


def _bad_header(folder):
    text = (folder / "patients.csv").read_text().replace("NHSNumber", "NHSNumbr", 1)
    (folder / "patients.csv").write_text(text)


def _missing_column(folder):
    lines = [",".join(line.split(",")[:-1]) for line in (folder / "staff.csv").read_text().splitlines()]
    (folder / "staff.csv").write_text("\n".join(lines) + "\n")


def _latin1(folder):
    (folder / "patients.csv").write_bytes(
        (folder / "patients.csv").read_bytes().replace(b"Smith", "Sm\xefth".encode("latin-1"))
    )


def _bom(folder):
    (folder / "staff.csv").write_bytes(b"\xef\xbb\xbf" + (folder / "staff.csv").read_bytes())


def _long_line(folder):
    with open(folder / "contacts.csv", "a") as out:
        out.write("C9,R0,2024-02-01,10:30,60,5,01," + "S" * 70_000 + "\n")


def _empty(folder):
    (folder / "referrals.csv").write_bytes(b"")


def _stranger(folder):
    (folder / "notes.txt").write_text("hello")


EXTRACT_FAULTS = [
    ("misspelt column", _bad_header, "'NHSNumbr' not a column"),
    ("missing column", _missing_column, "TeamCode missing"),
    ("wrong encoding", _latin1, "not UTF-8"),
    ("a byte order mark", _bom, "byte order mark"),
    ("a line over 64 KB", _long_line, "longer than 64 KB"),
    ("an empty file", _empty, "referrals.csv is empty"),
    ("an unexpected file", _stranger, "'notes.txt'"),
]


@pytest.mark.parametrize(("fault", "spoil", "words"), EXTRACT_FAULTS, ids=[f[0] for f in EXTRACT_FAULTS])
def test_a_fault_of_the_whole_extract_refuses_it_before_any_write(
    service, tmp_path, capsys, fault, spoil, words
):
    folder = helpers.write(tmp_path / "extract", helpers.rows(service))
    spoil(folder)
    with pytest.raises(ExtractRefused, match=words):
        read_extract(folder)
    with pytest.raises(CommandError, match=words):
        call_command("import_records", str(folder), provider=service["provider"].code)
    assert not Patient.objects.exists()


def test_a_zip_with_an_unexpected_member_is_refused(service, tmp_path):
    folder = helpers.write(tmp_path / "extract", helpers.rows(service))
    archive = tmp_path / "extract.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for entry in folder.iterdir():
            out.write(entry, entry.name)
        out.writestr("../evil.csv", "x")
    with pytest.raises(ExtractRefused, match="evil.csv"):
        read_extract(archive)


def test_the_command_loads_a_zip_reports_rejected_rows_and_exits_0(service, tmp_path, capsys):
    files = helpers.rows(service)
    files[CONTACTS][1]["AttendOrDNACode"] = "8"
    folder = helpers.write(tmp_path / "extract", files)
    archive = tmp_path / "extract.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for entry in folder.iterdir():
            out.write(entry, entry.name)
    report = tmp_path / "report.csv"
    call_command("import_records", str(archive), provider=service["provider"].code, report=str(report))
    assert "contacts.csv: 2 read, 1 loaded, 0 updated, 0 unchanged, 1 rejected" in capsys.readouterr().out
    lines = report.read_text().splitlines()
    assert lines[0] == "file,line,column,reason"
    assert lines[1].startswith("contacts.csv,3,AttendOrDNACode,")
    assert Contact.objects.count() == 1


def test_the_command_dry_run_writes_nothing(service, tmp_path, capsys):
    folder = helpers.write(tmp_path / "extract", helpers.rows(service))
    call_command("import_records", str(folder), provider=service["provider"].code, dry_run=True, mode="full")
    assert "Dry run" in capsys.readouterr().out
    assert not Patient.objects.exists()
