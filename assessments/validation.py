"""Rules a case record must keep (SPEC §7 and the foundation issue), as pure functions over dates."""

import datetime as dt
import re

from assessments import limits

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
POSTCODE_MESSAGE = "Enter a UK postcode, e.g. LS1 4AP."


def normalised_postcode(text: str) -> str | None:
    """A UK postcode as stored (outward and inward parts, one space), or None when `text` is not one."""
    match = _POSTCODE.match(re.sub(r"\s+", "", text.upper()))
    return f"{match.group(1)} {match.group(2)}" if match else None


MIN_AGE_AT_REFERRAL = 0
MAX_AGE_AT_REFERRAL = 25


def age_in_years(date_of_birth: dt.date, on: dt.date) -> int:
    """Completed years of age on a date."""
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - int(before_birthday)


def date_of_birth_error(date_of_birth: dt.date, today: dt.date) -> str | None:
    return limits.DATE_OF_BIRTH.error("date of birth", date_of_birth, today)


def age_at_referral_error(date_of_birth: dt.date, referral_date: dt.date) -> str | None:
    if referral_date < date_of_birth:
        return "The referral date is before the patient's date of birth."
    age = age_in_years(date_of_birth, referral_date)
    if not MIN_AGE_AT_REFERRAL <= age <= MAX_AGE_AT_REFERRAL:
        return (
            f"The patient is {age} at referral; this service accepts referrals for ages "
            f"{MIN_AGE_AT_REFERRAL} to {MAX_AGE_AT_REFERRAL}."
        )
    return None


def completed_on_error(
    what: str, completed_on: dt.date, referral_date: dt.date, today: dt.date
) -> str | None:
    """A form completed for a case is dated between its referral and today."""
    return limits.RECORD_DATE.error(what, completed_on, today) or not_before_referral_error(
        what, completed_on, referral_date
    )


def not_before_referral_error(what: str, when: dt.date, referral_date: dt.date) -> str | None:
    if when < referral_date:
        return f"The {what} ({when:%d/%m/%Y}) is before the referral date ({referral_date:%d/%m/%Y})."
    return None
