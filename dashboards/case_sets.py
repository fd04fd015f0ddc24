"""Named sets of cases behind a dashboard count: each count on the manager dashboards links to the list of the
cases it counts, and both the count and the list read the same `select` (one definition of each set).

A set narrows a queryset that is already scoped by `Case.objects.visible_to(user)` and the dashboard's filters;
it never widens it. Modules that define sets register them here at import (reports/apps.py imports them).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from assessments.models import Case

Select = Callable[[QuerySet[Case], dt.date], QuerySet[Case]]


@dataclass(frozen=True)
class CaseSet:
    slug: str  # in the drill-down URL: /dashboard/cases/<slug>/
    label: str  # the list page's heading, e.g. "Open episodes without a Current View"
    select: Select  # (scoped and filtered cases, today) -> the cases in the set


_REGISTRY: dict[str, CaseSet] = {}


def register(*case_sets: CaseSet) -> None:
    for case_set in case_sets:
        if _REGISTRY.get(case_set.slug, case_set) is not case_set:
            raise ValueError(f"Two case sets are named {case_set.slug!r}.")
        _REGISTRY[case_set.slug] = case_set


def get(slug: str) -> CaseSet | None:
    return _REGISTRY.get(slug)


def all_sets() -> tuple[CaseSet, ...]:
    return tuple(_REGISTRY.values())
