"""Set-based re-grouping: the latest Current View of each open case through one rules version.

Ratings leave the database packed two integers per view, so a chunk of 50,000 views is 100,000 values to
read instead of 2,500,000, and the vectorised engine unpacks them with numpy.
"""

from dataclasses import dataclass

import numpy as np
from django.db.models import BigIntegerField, ExpressionWrapper, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce

from assessments.models import Case, CurrentView
from groupings.current_view_items import ALL_ITEMS
from groupings.models import Scheme, Suggestion
from groupings.rules import NOT_KNOWN_CODE, suggest_arrays

BASE = 5  # codes -1..3 stored as digits 0..4
HALVES = (ALL_ITEMS[:25], ALL_ITEMS[25:])
_POWERS = BASE ** np.arange(25, dtype=np.int64)


@dataclass(frozen=True)
class ChunkResult:
    views: int


def _packed(items: tuple[str, ...]) -> ExpressionWrapper:
    total = Value(0)
    for position, item in enumerate(items):
        digit = Cast(Coalesce(F(item), Value(NOT_KNOWN_CODE)) + Value(1), BigIntegerField())
        total = total + digit * Value(BASE**position)
    return ExpressionWrapper(total, output_field=BigIntegerField())


def unpack(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """rows x 50 int8 codes (-1 = Not known) from the two packed integers of each row."""
    halves = [(np.asarray(p, dtype=np.int64)[:, None] // _POWERS) % BASE for p in (first, second)]
    return (np.concatenate(halves, axis=1) - 1).astype(np.int8)


def latest_views(cases: QuerySet[Case]) -> QuerySet[CurrentView]:
    """The latest Current View of each case in `cases` (by date completed, then by entry)."""
    latest = CurrentView.objects.filter(case=OuterRef("pk")).order_by("-completed_on", "-pk").values("pk")[:1]
    return CurrentView.objects.filter(pk__in=cases.annotate(latest=Subquery(latest)).values("latest"))


def chunk_bounds(cases: QuerySet[Case], size: int) -> list[tuple[int, int]]:
    """Inclusive (first, last) case-id ranges of at most `size` cases each."""
    ids = list(cases.order_by("pk").values_list("pk", flat=True))
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


def regroup_cases(cases: QuerySet[Case], scheme: Scheme) -> ChunkResult:
    """Store `scheme`'s suggestion for the latest Current View of each case; existing ones are left as they are."""
    rows = latest_views(cases).values_list("pk", _packed(HALVES[0]), _packed(HALVES[1]))
    data = np.array(list(rows), dtype=np.int64).reshape(-1, 3)
    if not len(data):
        return ChunkResult(0)
    result = suggest_arrays(unpack(data[:, 1], data[:, 2]), scheme.ruleset())
    grouping_ids = dict(scheme.groupings.values_list("code", "pk"))
    suggestions = [
        Suggestion(
            current_view_id=int(view_id),
            scheme_id=scheme.pk,
            grouping_id=grouping_ids[code] if code is not None else None,
            rule=rule,
            complexity_count=int(complexity),
            attendance_flag=bool(attendance),
            risk_flag=bool(risk),
        )
        for view_id, code, rule, complexity, attendance, risk in zip(
            data[:, 0],
            result.grouping,
            result.rule,
            result.complexity_count,
            result.attendance_flag,
            result.risk_flag,
            strict=True,
        )
    ]
    Suggestion.objects.bulk_create(suggestions, batch_size=5000, ignore_conflicts=True)
    return ChunkResult(views=len(data))
