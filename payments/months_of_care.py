"""Months of care, the currency of payment (issue 32), counted in SQL.

A case counts one month of care in grouping G for month M when it is an episode of care (accepted) open at
the end of M or closed in M, and its grouping for month M (reports.periods: the allocation in force on M's
last day, or the day before a closure in M) is G; a case with none counts as UNGROUPED. That is: accepted
on or before M's last day and not closed before M's first day.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from assessments.models import Case
from camhs_pbr.lib.db import without_jit
from reports.periods import Month, with_grouping_for


def in_care_during(month: Month) -> Q:
    """Episodes open at the end of `month` or closed in it."""
    return Q(accepted_date__lte=month.last) & (Q(closed_date__isnull=True) | Q(closed_date__gte=month.first))


def contract_cases(commissioner_id: int, provider_id: int) -> QuerySet[Case]:
    """The cases a contract pays for: the commissioner's population at the provider's teams."""
    return Case.objects.filter(commissioner_id=commissioner_id, team__provider_id=provider_id)


def counted_in(cases: QuerySet[Case], month: Month) -> QuerySet:
    """`cases` counting a month of care in `month`, annotated with `grouping` (code or UNGROUPED)."""
    return with_grouping_for(cases.filter(in_care_during(month)), month)


def months_of_care(cases: QuerySet[Case], month: Month) -> Counter[str]:
    """Months of care of `cases` in `month` by grouping code: one grouped count in SQL."""
    rows = counted_in(cases, month).values("grouping").annotate(months=Count("pk")).order_by()
    return Counter({row["grouping"]: row["months"] for row in rows})


def months_of_care_over(cases: QuerySet[Case], months: Iterable[Month]) -> Counter[str]:
    """Months of care summed over `months` by grouping code. Without PostgreSQL's JIT: compiling each month's
    count cost a third of running it (177 ms of 521 ms on the national benchmark's database)."""
    total: Counter[str] = Counter()
    with without_jit():
        for month in months:
            total.update(months_of_care(cases, month))
    return total


def cases_behind(cases: QuerySet[Case], months: Iterable[Month], grouping: str) -> Counter[int]:
    """Case ids with their months of care in `grouping` over `months` (the provider's validation list)."""
    found: Counter[int] = Counter()
    with without_jit():
        for month in months:
            found.update(counted_in(cases, month).filter(grouping=grouping).values_list("pk", flat=True))
    return found
