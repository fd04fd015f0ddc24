"""Review dates of allocations (SPEC §4): due = start + the grouping's review interval."""

import calendar
import datetime as dt


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def review_due(start: dt.date, review_months: int, add_on_review_months: int | None = None) -> dt.date:
    """The review date of an allocation: the earlier of its grouping's and its add-on grouping's reviews."""
    months = review_months if add_on_review_months is None else min(review_months, add_on_review_months)
    return add_months(start, months)


# A review is "due soon" when due within this many days of today: the managers' dashboard and a clinician's
# "my reviews" read this one horizon.
DUE_SOON_DAYS = 28


def is_overdue(due: dt.date, today: dt.date) -> bool:
    return due < today


def due_soon_until(today: dt.date) -> dt.date:
    """The last day of the due-soon horizon that starts today."""
    return today + dt.timedelta(days=DUE_SOON_DAYS)
