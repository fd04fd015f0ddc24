"""Financial years (April to March) and the months of a statement's year to date."""

import datetime as dt
import re

from reports.periods import Month

FIRST_MONTH = 4  # April
_LABEL = re.compile(r"^(\d{4})/(\d{2})$")


def start_year_of(day: dt.date) -> int:
    """The calendar year in which the financial year containing `day` began."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def label(start_year: int) -> str:
    """The financial year beginning in April of `start_year` as people write it: 2026 -> "2026/27"."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def parse(text: str) -> int:
    """The start year of a financial year written "2026/27"; ValueError with the reason otherwise."""
    match = _LABEL.match(text.strip())
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"{text!r} is not a financial year: write it as 2026/27 (April 2026 to March 2027)")
    return int(match.group(1))


def months_so_far(month: Month) -> int:
    """April = 1 ... March = 12: how many months of its financial year `month` closes."""
    return (month.first.month - FIRST_MONTH) % 12 + 1


def months_to_date(month: Month) -> list[Month]:
    """April of `month`'s financial year to `month`, oldest first."""
    return month.trailing(months_so_far(month))


def months_of(start_year: int) -> list[Month]:
    """The twelve months of the financial year beginning in April of `start_year`."""
    return Month(dt.date(start_year + 1, 3, 1), dt.date(start_year + 1, 3, 31)).trailing(12)
