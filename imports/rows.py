"""The rules of one row of each file, as the forms enforce them: a row's values for the database, or the first
column it fails and why (pure: the reference codes come in as plain dictionaries)."""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from assessments import limits, nhs_number, validation
from assessments.current_view_items import ALL_ITEMS, ITEMS_BY_ID, RESPONSES
from camhs_pbr.lib.safe_csv import FORMULA_STARTS
from camhs_pbr.lib.text import refused_character
from imports import codes

KEY_LENGTH = 40
NAME_LENGTH = 100


class Fault(ValueError):
    """A row broken at `column`, and why (the reason is for the report)."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


@dataclass(frozen=True)
class Reference:
    """The provider's reference codes a row is checked against, and today's date."""

    teams: Mapping[str, int]
    professions: Mapping[str, int]
    commissioners: Mapping[str, int]
    today: dt.date


Values = dict[str, Any]


def key(cells: Mapping[str, str], column: str) -> str:
    """A local id: 1 to 40 characters, none of them hidden or a formula's start."""
    text = cells[column].strip()
    if not text:
        raise Fault(column, f"{column} is blank")
    if len(text) > KEY_LENGTH:
        raise Fault(column, f"{column} is longer than {KEY_LENGTH} characters")
    _plain(column, text)
    return text


def _plain(column: str, text: str) -> None:
    # Printable ASCII holds no control, bidirectional or zero-width character: the common case, checked at once.
    char = None if text.isascii() and text.isprintable() else refused_character(text)
    if char is not None:
        raise Fault(column, f"{column} holds an invisible or control character (U+{ord(char):04X})")
    if text.startswith(FORMULA_STARTS):
        raise Fault(column, f"{column} looks like a spreadsheet formula (it starts with {text[0]!r})")


def name(cells: Mapping[str, str], column: str) -> str:
    text = cells[column].strip()
    if not text:
        raise Fault(column, f"{column} is blank")
    if len(text) > NAME_LENGTH:
        raise Fault(column, f"{column} is longer than {NAME_LENGTH} characters")
    _plain(column, text)
    return text


def date(cells: Mapping[str, str], column: str, *, blank: bool = False) -> dt.date | None:
    """A date as the dataset writes it, YYYY-MM-DD."""
    text = cells[column].strip()
    if not text:
        if blank:
            return None
        raise Fault(column, f"{column} is blank")
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else _not_a_date(column, text)
    except ValueError:
        return _not_a_date(column, text)


def _not_a_date(column: str, text: str) -> dt.date:
    raise Fault(column, f"{column} {text!r} is not a date (YYYY-MM-DD)")


def _in_range(column: str, what: str, value: dt.date, limit: limits.DateRange, today: dt.date) -> None:
    error = limit.error(what, value, today)
    if error:
        raise Fault(column, error)


def _coded(cells: Mapping[str, str], column: str, allowed: frozenset[str], *, blank: bool = False) -> str:
    text = cells[column].strip()
    if not text and blank:
        return ""
    if text not in allowed:
        raise Fault(column, codes.code_refusal(column, text, allowed))
    return text


def _known(cells: Mapping[str, str], column: str, table: Mapping[str, int], what: str) -> int:
    text = cells[column].strip()
    if text not in table:
        raise Fault(column, f"{column} {text!r} is not {what}")
    return table[text]


def patient(cells: Mapping[str, str], ref: Reference) -> Values:
    try:
        number = nhs_number.normalise(cells["NHSNumber"])
    except nhs_number.InvalidNhsNumber as error:
        raise Fault("NHSNumber", str(error)) from error
    born = date(cells, "PersonBirthDate")
    assert born is not None
    _in_range("PersonBirthDate", "date of birth", born, limits.DATE_OF_BIRTH, ref.today)
    postcode = validation.normalised_postcode(cells["Postcode"])
    if postcode is None:
        raise Fault("Postcode", f"{cells['Postcode'].strip()!r} is not a UK postcode")
    return {
        "local_id": key(cells, "LocalPatientId"),
        "nhs_number": number,
        "date_of_birth": born,
        "gender": _coded(cells, "Gender", codes.GENDERS),
        "ethnic_category": _coded(cells, "EthnicCategory", codes.ETHNIC_CATEGORIES),
        "postcode": postcode,
        "given_name": name(cells, "GivenName"),
        "family_name": name(cells, "FamilyName"),
    }


def staff(cells: Mapping[str, str], ref: Reference) -> Values:
    return {
        "local_id": key(cells, "CareProfLocalId"),
        "first_name": name(cells, "GivenName")[:150],
        "last_name": name(cells, "FamilyName")[:150],
        "profession_id": _known(
            cells, "ProfessionCode", ref.professions, "a profession code of this product"
        ),
        "team_id": _known(cells, "TeamCode", ref.teams, "a team code of this provider"),
    }


def referral(cells: Mapping[str, str], ref: Reference) -> Values:
    referred = date(cells, "ReferralRequestReceivedDate")
    assert referred is not None
    _in_range("ReferralRequestReceivedDate", "referral date", referred, limits.RECORD_DATE, ref.today)
    accepted = date(cells, "AcceptedDate", blank=True)
    closed = date(cells, "ServDischDate", blank=True)
    for column, what, when in (
        ("AcceptedDate", "acceptance date", accepted),
        ("ServDischDate", "discharge date", closed),
    ):
        if when is not None:
            _in_range(column, what, when, limits.RECORD_DATE, ref.today)
            error = validation.not_before_referral_error(what, when, referred)
            if error:
                raise Fault(column, error)
    reason = _coded(cells, "DischargeReason", codes.DISCHARGE_REASONS, blank=True)
    if closed is not None and not reason:
        raise Fault("DischargeReason", "DischargeReason is blank for a discharged referral (ServDischDate)")
    if closed is None and reason:
        raise Fault("ServDischDate", "ServDischDate is blank but a DischargeReason is given")
    return {
        "local_id": key(cells, "ServiceRequestId"),
        "patient": key(cells, "LocalPatientId"),
        "team_id": _known(cells, "TeamCode", ref.teams, "a team code of this provider"),
        "commissioner_id": _known(cells, "OrgIDComm", ref.commissioners, "the ODS code of a known ICB"),
        "referral_date": referred,
        "referral_source": _coded(cells, "SourceOfReferral", codes.REFERRAL_SOURCES),
        "accepted_date": accepted,
        "closed_date": closed,
        "discharge_reason": reason,
    }


def contact(
    cells: Mapping[str, str], ref: Reference, at: Callable[[dt.date, dt.time], dt.datetime]
) -> Values:
    """`at` makes the contact's moment of its date and time in the service's time zone."""
    day = date(cells, "CareContDate")
    assert day is not None
    _in_range("CareContDate", "contact date", day, limits.CONTACT_DATE, ref.today)
    time_text = cells["CareContTime"].strip()
    try:
        time = dt.time.fromisoformat(time_text) if len(time_text) in (5, 8) else None
    except ValueError:
        time = None
    if time is None:
        raise Fault("CareContTime", f"CareContTime {time_text!r} is not a time (HH:MM or HH:MM:SS)")
    minutes_text = cells["ClinContDurOfCareCont"].strip()
    minutes = int(minutes_text) if minutes_text.isascii() and minutes_text.isdigit() else None
    if minutes is None or not limits.CONTACT_MINUTES.contains(minutes):
        raise Fault("ClinContDurOfCareCont", f"{limits.CONTACT_MINUTES.sentence[:-1]}, not {minutes_text!r}")
    attendance = codes.attendance(cells["AttendOrDNACode"])
    if attendance is None:
        raise Fault(
            "AttendOrDNACode",
            f"{cells['AttendOrDNACode'].strip()!r} is not an AttendOrDNACode (2, 3, 4, 5, 6 or 7)",
        )
    mode = codes.contact_mode(cells["ConsMechanismMH"])
    if mode is None:
        raise Fault("ConsMechanismMH", codes.contact_mode_refusal(cells["ConsMechanismMH"]))
    starts_at = at(day, time)
    if attendance == "attended" and day > ref.today:
        raise Fault("CareContDate", "An attended contact cannot be in the future.")
    return {
        "local_id": key(cells, "CareContactId"),
        "referral": key(cells, "ServiceRequestId"),
        "staff": key(cells, "CareProfLocalId"),
        "starts_at": starts_at,
        "day": day,
        "duration_minutes": minutes,
        "attendance": attendance,
        "mode": mode,
    }


def _vocabulary(scale: str) -> dict[str, int | None]:
    table: dict[str, int | None] = {"": None}
    for word, code in RESPONSES[scale].items():
        table[" ".join(word.split()).lower()] = code
        if code is not None:
            table[str(code)] = code
    return table


RATINGS = {
    scale: _vocabulary(scale) for scale in RESPONSES
}  # what a cell may say, read as the grouper reads it
_EXPECTED = {
    "severity": "is not a rating (None, Mild, Moderate, Severe, Not known or 0-3)",
    "presence": "is not an answer (Yes, No, Not known or 1/0)",
}


def current_view(cells: Mapping[str, str], ref: Reference) -> Values:
    """The 50 items read as the batch grouper reads them: words or codes, blank or "Not known" for Not known."""
    completed = date(cells, "CompletedDate")
    assert completed is not None
    _in_range("CompletedDate", "date completed", completed, limits.RECORD_DATE, ref.today)
    ratings: dict[str, int | None] = {}
    for item in ALL_ITEMS:
        scale = ITEMS_BY_ID[item].response_scale
        cell = " ".join(cells[item].split()).lower()
        if cell not in RATINGS[scale]:
            raise Fault(item, f"{item}: {cells[item]!r} {_EXPECTED[scale]}")
        ratings[item] = RATINGS[scale][cell]
    return {
        "local_id": key(cells, "AssessmentId"),
        "referral": key(cells, "ServiceRequestId"),
        "staff": key(cells, "CareProfLocalId"),
        "completed_on": completed,
        **ratings,
    }
