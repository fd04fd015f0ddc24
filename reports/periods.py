"""The report month and what is counted in it (issue definitions; dates are Europe/London calendar days).

- An episode of care is open on day D when accepted_date <= D and (closed_date is empty or closed_date > D)
  (`Case.objects.open_episodes_on`, defined in assessments.models.records with its SQL twin).
- The allocation in force on day D has start_date <= D and (end_date empty or end_date > D).
- A case's grouping for month M is the allocation in force on M's last day; for a case closed in M, the one
  in force on the day before its closed date; UNGROUPED when there is none.
- Age band from the date of birth on M's last day.
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case as When_
from django.db.models import (
    CharField,
    DateField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from assessments.models import Case
from groupings.models import Allocation, open_allocation

UNGROUPED = "UNGROUPED"
UNGROUPED_NAME = "Not grouped"
"""What people read for UNGROUPED, wherever a grouping is named."""
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-4", 0, 4),
    ("5-10", 5, 10),
    ("11-15", 11, 15),
    ("16-17", 16, 17),
    ("18-25", 18, 25),
    ("26+", 26, None),
)


@dataclass(frozen=True)
class Month:
    """A calendar month: its first and last day."""

    first: dt.date
    last: dt.date

    @classmethod
    def of(cls, text: str) -> "Month":
        """The month of a "YYYY-MM" text; ValueError with a clear message otherwise."""
        try:
            year, month = (int(part) for part in text.split("-"))
            first = dt.date(year, month, 1)
        except ValueError:
            raise ValueError(f"{text!r} is not a month: write it as YYYY-MM, e.g. 2026-10") from None
        return cls.containing(first)

    @classmethod
    def containing(cls, day: dt.date) -> "Month":
        last = calendar.monthrange(day.year, day.month)[1]
        return cls(day.replace(day=1), day.replace(day=last))

    def previous(self) -> "Month":
        return Month.containing(self.first - dt.timedelta(days=1))

    def label(self) -> str:
        return f"{self.first:%Y-%m}"

    def words(self) -> str:
        """The month as people write it: "October 2026" (`label` is the YYYY-MM of addresses and files)."""
        return f"{self.first:%B %Y}"

    def trailing(self, months: int) -> list["Month"]:
        """This month and the `months - 1` before it, oldest first."""
        result = [self]
        while len(result) < months:
            result.append(result[-1].previous())
        return result[::-1]


def in_force_on(day: dt.date | F | ExpressionWrapper, prefix: str = "") -> Q:
    """The condition on allocations of being in force on `day` (a date or a date expression)."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        open_allocation(prefix) | Q(**{f"{prefix}end_date__gt": day})
    )


def allocations_in_force(
    day: dt.date | F | OuterRef | ExpressionWrapper, case: OuterRef
) -> QuerySet[Allocation]:
    """The allocations of the outer query's `case` (e.g. OuterRef("pk")) in force on `day`."""
    return Allocation.objects.filter(case=case).filter(in_force_on(day))


def age_band(date_of_birth: dt.date, on: dt.date) -> str:
    """The age band of someone born on `date_of_birth`, on the day `on`."""
    age = on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    for band, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return band
    raise ValueError(f"born {date_of_birth} is not yet born on {on}")


def reference_day(month: Month) -> When_:
    """Per case, the day its grouping for `month` is read on: the day before a closure in the month,
    otherwise the month's last day."""
    return When_(
        When(
            closed_date__gte=month.first,
            closed_date__lte=month.last,
            then=ExpressionWrapper(F("closed_date") - dt.timedelta(days=1), output_field=DateField()),
        ),
        default=Value(month.last),
        output_field=DateField(),
    )


def _in_force(month: Month, cases: QuerySet[Case]) -> tuple[QuerySet[Case], QuerySet[Allocation]]:
    cases = cases.annotate(reference_day=reference_day(month))
    return cases, allocations_in_force(OuterRef("reference_day"), case=OuterRef("pk"))


def with_grouping_pk_for(cases: QuerySet[Case], month: Month) -> QuerySet[Any]:
    """Cases annotated with `grouping_pk`, the id of their grouping for `month` (None when ungrouped): one
    index lookup per case, for reports that name groupings after aggregating."""
    cases, in_force = _in_force(month, cases)
    return cases.annotate(grouping_pk=Subquery(in_force.values("grouping_id")[:1]))


def with_grouping_pk_at_closure(cases: QuerySet[Case]) -> QuerySet[Any]:
    """Closed cases annotated with `grouping_pk`: their grouping for the month they closed in, which is the
    allocation in force the day before closure (the rule of with_grouping_for), in one query for any span."""
    day_before = ExpressionWrapper(F("closed_date") - dt.timedelta(days=1), output_field=DateField())
    cases = cases.filter(closed_date__isnull=False).annotate(reference_day=day_before)
    in_force = allocations_in_force(OuterRef("reference_day"), case=OuterRef("pk"))
    return cases.annotate(grouping_pk=Subquery(in_force.values("grouping_id")[:1]))


def with_grouping_for(cases: QuerySet[Case], month: Month) -> QuerySet[Any]:
    """Cases annotated with `grouping` (the code of their grouping for `month`, or UNGROUPED) and
    `grouping_pk` (None when ungrouped). Typed Any: the type checker cannot see annotations added here."""
    cases, in_force = _in_force(month, cases)
    return cases.annotate(
        grouping_pk=Subquery(in_force.values("grouping_id")[:1]),
        grouping=Coalesce(
            Subquery(in_force.values("grouping__code")[:1]), Value(UNGROUPED), output_field=CharField()
        ),
    )


def age_band_of_birth(month: Month) -> When_:
    """The age band on `month`'s last day as a database expression over `patient__date_of_birth`."""
    whens = []
    for band, low, high in AGE_BANDS:
        # Born on or before the last day minus `low` years, and after the last day minus `high + 1` years.
        condition = Q(patient__date_of_birth__lte=_years_before(month.last, low))
        if high is not None:
            condition &= Q(patient__date_of_birth__gt=_years_before(month.last, high + 1))
        whens.append(When(condition, then=Value(band)))
    return When_(*whens, default=Value(""), output_field=CharField())


def _years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
