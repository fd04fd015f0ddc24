"""The rules across files and against the records already held: unknown patient, referral, staff, team or ICB,
a duplicate key inside a file, an NHS number held by another record, age at referral, a second open referral
to the same team, a contact or Current View before its referral; and rows that depend on a rejected row are
rejected with that reason. Pure: what the database holds comes in as plain dictionaries."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assessments import limits, validation
from imports import rows
from imports.files import CONTACTS, CURRENT_VIEWS, PATIENTS, REFERRALS, STAFF, ExtractFile, FileSpec


@dataclass(frozen=True)
class Rejected:
    file: str
    line: int
    column: str
    reason: str


@dataclass(frozen=True)
class Held:
    """What the provider's records already hold, by local id (only what the rules need)."""

    patients: Mapping[str, dt.date]  # local id -> date of birth
    nhs_numbers: Mapping[str, str]  # NHS number -> local id ("" for a patient entered in this product)
    staff: Mapping[str, int]  # local id -> profession id
    referrals: Mapping[str, dt.date]  # local id -> referral date
    open_referrals: Mapping[
        tuple[str, int], int
    ]  # (patient local id, team id) -> open referrals not keyed...
    open_keys: Mapping[tuple[str, int], frozenset[str]] = field(default_factory=dict)  # ...and their keys


@dataclass
class Checked:
    """The rows that pass, by file and local id (each with its line), and every rejection."""

    valid: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))
    lines: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    rejected: list[Rejected] = field(default_factory=list)
    read: dict[str, int] = field(default_factory=dict)

    def reject(self, spec: FileSpec, line: int, column: str, reason: str) -> None:
        self.rejected.append(Rejected(spec.name, line, column, reason))

    def rejected_count(self, name: str) -> int:
        return sum(1 for rejection in self.rejected if rejection.file == name)


def check(
    files: Mapping[str, ExtractFile],
    ref: rows.Reference,
    held: Held,
    at: Callable[[dt.date, dt.time], dt.datetime],
) -> Checked:
    checked = Checked()
    parse: dict[FileSpec, Callable[[Mapping[str, str]], dict[str, Any]]] = {
        PATIENTS: lambda cells: rows.patient(cells, ref),
        STAFF: lambda cells: rows.staff(cells, ref),
        REFERRALS: lambda cells: rows.referral(cells, ref),
        CONTACTS: lambda cells: rows.contact(cells, ref, at),
        CURRENT_VIEWS: lambda cells: rows.current_view(cells, ref),
    }
    failed: dict[FileSpec, dict[str, int]] = defaultdict(dict)  # local ids of rejected rows -> their line
    for spec, parser in parse.items():
        extract = files.get(spec.name)
        if extract is None:
            continue
        checked.read[spec.name] = _parse_file(checked, spec, extract, parser, failed[spec])
    _patients(checked, held, failed)
    _referrals(checked, held, failed)
    for spec in (CONTACTS, CURRENT_VIEWS):
        _dependants(checked, spec, held, failed)
    return checked


def _parse_file(
    checked: Checked, spec: FileSpec, extract: ExtractFile, parser, failed: dict[str, int]
) -> int:
    """Parse the file's rows (rejecting the faulty and the duplicated); how many were read."""
    read = 0
    seen: dict[str, list[int]] = defaultdict(list)
    parsed: dict[int, dict[str, Any]] = {}
    for row in extract.rows:
        read += 1
        if row.cells is None:
            checked.reject(spec, row.line, "", row.shape)
            continue
        local = row.cells[spec.key].strip()
        seen[local].append(row.line)
        try:
            parsed[row.line] = parser(row.cells)
        except rows.Fault as fault:
            checked.reject(spec, row.line, fault.column, fault.reason)
            if local:
                failed[local] = row.line
    for local, lines in seen.items():
        if len(lines) > 1:
            where = ", ".join(map(str, lines))
            for line in lines:
                if parsed.pop(line, None) is not None:
                    checked.reject(
                        spec, line, spec.key, f"{spec.key} {local!r} appears more than once (lines {where})"
                    )
            failed[local] = lines[0]
    for line, values in parsed.items():
        checked.valid[spec.name][values["local_id"]] = values
        checked.lines[spec.name][values["local_id"]] = line
    return read


def _drop(checked: Checked, spec: FileSpec, local: str, column: str, reason: str, failed) -> None:
    line = checked.lines[spec.name].pop(local)
    del checked.valid[spec.name][local]
    checked.reject(spec, line, column, reason)
    failed[spec][local] = line


def _patients(checked: Checked, held: Held, failed) -> None:
    patients = checked.valid.get(PATIENTS.name, {})
    by_number: dict[str, list[str]] = defaultdict(list)
    for local, values in patients.items():
        by_number[values["nhs_number"]].append(local)
    for number, locals_ in by_number.items():
        if len(locals_) > 1:
            lines = ", ".join(str(checked.lines[PATIENTS.name][local]) for local in locals_)
            for local in locals_:
                _drop(
                    checked,
                    PATIENTS,
                    local,
                    "NHSNumber",
                    f"this NHS number is on more than one row (lines {lines})",
                    failed,
                )
            continue
        owner = held.nhs_numbers.get(number)
        if owner is not None and owner != locals_[0]:
            whose = (
                "a patient entered in this product"
                if owner == ""
                else f"the patient with LocalPatientId {owner!r}"
            )
            _drop(
                checked,
                PATIENTS,
                locals_[0],
                "NHSNumber",
                f"{limits.PATIENT_ALREADY_REGISTERED[:-1]}: {whose}.",
                failed,
            )


def _dependency(checked, failed, spec: FileSpec, local: str, held: Mapping[str, Any], column: str, what: str):
    """The value a row refers to (this extract's row, else the records held), or the reason it cannot."""
    values = checked.valid.get(spec.name, {}).get(local)
    if values is not None:
        return values, None
    if local in failed[spec]:
        return None, f"its {what} ({spec.name} line {failed[spec][local]}) was rejected"
    if local in held:
        return held[local], None
    return (
        None,
        f"{column} {local!r} is not {('an ' if what[0] in 'aeiou' else 'a ')}{what} of this provider (not in {spec.name} nor loaded before)",
    )


def _referrals(checked: Checked, held: Held, failed) -> None:
    referrals = checked.valid.get(REFERRALS.name, {})
    for local in list(referrals):
        values = referrals[local]
        patient, reason = _dependency(
            checked, failed, PATIENTS, values["patient"], held.patients, "LocalPatientId", "patient"
        )
        if reason:
            _drop(checked, REFERRALS, local, "LocalPatientId", reason, failed)
            continue
        born = patient["date_of_birth"] if isinstance(patient, dict) else patient
        error = validation.age_at_referral_error(born, values["referral_date"])
        if error:
            _drop(checked, REFERRALS, local, "ReferralRequestReceivedDate", error, failed)
    # One open referral per patient and team (the form's rule and the database's): the extract's open ones
    # and the open ones held that this extract does not restate.
    open_rows: dict[tuple[str, int], list[str]] = defaultdict(list)
    for local, values in referrals.items():
        if values["closed_date"] is None:
            open_rows[(values["patient"], values["team_id"])].append(local)
    for pair, locals_ in open_rows.items():
        held_open = held.open_referrals.get(pair, 0) - len(
            held.open_keys.get(pair, frozenset()) & set(referrals)
        )
        locals_.sort(
            key=lambda local: (referrals[local]["referral_date"], checked.lines[REFERRALS.name][local])
        )
        for local in locals_[0 if held_open > 0 else 1 :]:
            _drop(checked, REFERRALS, local, "TeamCode", limits.ONE_OPEN_REFERRAL_PER_TEAM, failed)


def _dependants(checked: Checked, spec: FileSpec, held: Held, failed) -> None:
    rows_ = checked.valid.get(spec.name, {})
    date_field = "day" if spec is CONTACTS else "completed_on"
    what = "contact date" if spec is CONTACTS else "date completed"
    for local in list(rows_):
        values = rows_[local]
        referral, reason = _dependency(
            checked, failed, REFERRALS, values["referral"], held.referrals, "ServiceRequestId", "referral"
        )
        if reason:
            _drop(checked, spec, local, "ServiceRequestId", reason, failed)
            continue
        _, reason = _dependency(
            checked, failed, STAFF, values["staff"], held.staff, "CareProfLocalId", "member of staff"
        )
        if reason:
            _drop(checked, spec, local, "CareProfLocalId", reason, failed)
            continue
        referred = referral["referral_date"] if isinstance(referral, dict) else referral
        error = validation.not_before_referral_error(what, values[date_field], referred)
        if error:
            _drop(
                checked, spec, local, "CareContDate" if spec is CONTACTS else "CompletedDate", error, failed
            )
