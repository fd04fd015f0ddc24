"""Limits of case records, each defined once with its message: forms, services and database constraints
all read them, so a user sees the same words whichever layer refuses the input."""

from dataclasses import dataclass


@dataclass(frozen=True)
class WholeNumberRange:
    """A whole number from `low` to `high` inclusive, and what to say when a value is outside."""

    low: int
    high: int
    message: str

    def allows(self, value: int) -> bool:
        return self.low <= value <= self.high


CONTACT_MINUTES = WholeNumberRange(1, 720, "A contact lasts between 1 and 720 minutes.")
ONE_OPEN_REFERRAL_PER_TEAM = "This patient already has an open referral with this team."
