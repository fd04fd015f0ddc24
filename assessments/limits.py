"""Limits on entered values, each defined once with its message: the form, the service (or scorer) and the
database constraint all read them, so a user sees the same words whichever layer refuses the input."""

import datetime as dt
from dataclasses import dataclass
from numbers import Integral


@dataclass(frozen=True)
class Limit:
    """A whole number from `low` to `high` inclusive, and what to say when a value is not one."""

    low: int
    high: int
    message: str

    @property
    def sentence(self) -> str:
        """The message as a sentence for a page: capitalised, with a full stop."""
        return f"{self.message[0].upper()}{self.message[1:]}."

    def contains(self, value: object) -> bool:
        """Whether `value` is a whole number (not a bool) within the limit."""
        whole = type(value) is int or (isinstance(value, Integral) and not isinstance(value, bool))
        return whole and self.low <= value <= self.high  # type: ignore[operator]

    def check(self, value: object) -> int:
        """Return `value` as an int, or raise ValueError with the limit's message."""
        if not self.contains(value):
            raise ValueError(f"{self.message}, not {value!r}")
        return int(value)  # type: ignore[call-overload]


def _whole_number(what: str, low: int, high: int) -> Limit:
    return Limit(low, high, f"{what} must be a whole number from {low} to {high}")


CGAS_SCORE = _whole_number("CGAS score", 1, 100)
GOAL_RATING = _whole_number("goal rating", 0, 10)
_MOST_GOALS = 3
GOAL_NUMBER = Limit(1, _MOST_GOALS, f"at most {_MOST_GOALS} goals, numbered 1 to {_MOST_GOALS}")
CONTACT_MINUTES = Limit(1, 720, "A contact lasts between 1 and 720 minutes")
ONE_OPEN_REFERRAL_PER_TEAM = "This patient already has an open referral with this team."


@dataclass(frozen=True)
class DateRange:
    """Plausible dates: from `earliest` to `days_ahead` days after today, and what to say about others."""

    earliest: dt.date
    days_ahead: int = 0

    def latest(self, today: dt.date) -> dt.date:
        return today + dt.timedelta(days=self.days_ahead)

    def error(self, what: str, value: dt.date, today: dt.date) -> str | None:
        """The sentence refusing `value` as the `what` (e.g. "referral date"), or None if it is plausible."""
        if value < self.earliest:
            return f"The {what} cannot be before {self.earliest:%d/%m/%Y}."
        if value > self.latest(today):
            if self.days_ahead == 0:
                return f"The {what} cannot be in the future."
            return f"The {what} cannot be after {self.latest(today):%d/%m/%Y}."
        return None


DATE_OF_BIRTH = DateRange(earliest=dt.date(1900, 1, 1))
# Referral, acceptance, discharge, completion and agreement dates: the service's records start in 2000.
RECORD_DATE = DateRange(earliest=dt.date(2000, 1, 1))
# A contact may be booked ahead (an appointment not yet attended), up to a year.
CONTACT_DATE = DateRange(earliest=dt.date(2000, 1, 1), days_ahead=366)
CASE_CLOSED = "This case is closed: reopen it, with a reason, before recording anything on it."
REOPEN_NEEDS_REASON = "Say why the case is reopened."
PATIENT_ALREADY_REGISTERED = "A patient with this NHS number is already registered."
CORRECTION_NEEDS_REASON = "Say why this record is corrected."
FROM_RECORDS_SYSTEM = (
    "This record comes from the records system and is read-only here: correct it in the records system and "
    "the correction arrives with its next extract."
)
