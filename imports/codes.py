"""The national codes of an extract mapped to the values this product stores, each in one table.

AttendOrDNACode (NHS data dictionary "Attended or did not attend"): 5 and 6 attended; 7 arrived late and could
not be seen counts as did not attend, as does 3; 2 (cancelled by the patient) and 4 (by the provider) are
cancellations. ConsMechanismMH (the mental health dataset's consultation mechanism): face to face, telephone
and video; a mechanism this product does not record (email, text message, ...) is refused with its name.
Gender, EthnicCategory, SourceOfReferral and DischargeReason are the codes the product already stores
(assessments.choices).
"""

from assessments.choices import (
    Attendance,
    ContactMode,
    DischargeReason,
    EthnicCategory,
    Gender,
    ReferralSource,
)

ATTENDANCE: dict[int, str] = {
    5: Attendance.ATTENDED,
    6: Attendance.ATTENDED,
    7: Attendance.DID_NOT_ATTEND,
    3: Attendance.DID_NOT_ATTEND,
    2: Attendance.CANCELLED,
    4: Attendance.CANCELLED,
}

CONTACT_MECHANISM: dict[int, str] = {
    1: ContactMode.FACE_TO_FACE,
    2: ContactMode.TELEPHONE,
    3: ContactMode.VIDEO,  # "telemedicine web camera" in earlier versions of the dataset
    11: ContactMode.VIDEO,  # video consultation
}
# Mechanisms of the dataset this product does not record, named in the rejection.
OTHER_MECHANISMS: dict[int, str] = {
    4: "talk type for a person unable to speak",
    5: "email",
    6: "short message service (SMS)",
    9: "text message (asynchronous)",
    10: "instant messaging",
    12: "message board",
    13: "chat room",
    98: "other",
}

GENDERS = frozenset(Gender.values)
ETHNIC_CATEGORIES = frozenset(EthnicCategory.values)
REFERRAL_SOURCES = frozenset(ReferralSource.values)
DISCHARGE_REASONS = frozenset(DischargeReason.values)


def _number(cell: str) -> int | None:
    text = cell.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 3 else None


def attendance(cell: str) -> str | None:
    """The product's attendance value of an AttendOrDNACode, or None for an unknown code."""
    number = _number(cell)
    return None if number is None else ATTENDANCE.get(number)


def contact_mode(cell: str) -> str | None:
    """The product's contact mode of a ConsMechanismMH code, or None for a code it does not record."""
    number = _number(cell)
    return None if number is None else CONTACT_MECHANISM.get(number)


def contact_mode_refusal(cell: str) -> str:
    number = _number(cell)
    if number is not None and number in OTHER_MECHANISMS:
        return (
            f"ConsMechanismMH {cell.strip()} ({OTHER_MECHANISMS[number]}) is not a contact this product records "
            "(face to face 01, telephone 02, video 03 or 11)"
        )
    return f"{cell.strip()!r} is not a ConsMechanismMH code (face to face 01, telephone 02, video 03 or 11)"


def code_refusal(column: str, cell: str, allowed: frozenset[str]) -> str:
    return f"{cell.strip()!r} is not one of the {column} codes ({', '.join(sorted(allowed))})"
