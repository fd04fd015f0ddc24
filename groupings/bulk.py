"""Set-based re-grouping: the latest Current View of each open case through one rules version.

Ratings leave the database packed two integers per view, so a chunk of 50,000 views is 100,000 values to
read instead of 2,500,000, and the vectorised engine unpacks them with numpy. Only a rules version with an
age band also reads the view's date and the child's date of birth; the age is computed with numpy (portable:
no database date arithmetic).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db import connection
from django.db.models import BigIntegerField, ExpressionWrapper, F, QuerySet, Subquery, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce

from assessments.current_view_items import ALL_ITEMS
from assessments.models import Case
from assessments.selectors import current_views_latest_first
from camhs_pbr.lib.db import without_jit
from groupings.models import RulesVersion, Suggestion
from groupings.rules import MAX_AGE, NOT_KNOWN_CODE, suggest_arrays

# pandas (and the pyarrow it loads) is imported where frames are built: every process loads this module, few
# build one (tests/test_startup_imports.py).
if TYPE_CHECKING:
    import pandas as pd

BASE = 5  # codes -1..3 stored as digits 0..4
HALVES = (ALL_ITEMS[:25], ALL_ITEMS[25:])
_POWERS = BASE ** np.arange(25, dtype=np.int64)


@dataclass(frozen=True)
class ChunkResult:
    views: int


def _packed(items: tuple[str, ...]) -> ExpressionWrapper:
    total: Combinable = Value(0)
    for position, item in enumerate(items):
        digit = Cast(Coalesce(F(item), Value(NOT_KNOWN_CODE)) + Value(1), BigIntegerField())
        total = total + digit * Value(BASE**position)
    return ExpressionWrapper(total, output_field=BigIntegerField())


def unpack(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """rows x 50 int8 codes (-1 = Not known) from the two packed integers of each row."""
    halves = [(np.asarray(p, dtype=np.int64)[:, None] // _POWERS) % BASE for p in (first, second)]
    return (np.concatenate(halves, axis=1) - 1).astype(np.int8)


def latest_packed(cases: QuerySet[Case], with_dates: bool = False) -> list[tuple[Any, ...]]:
    """(view id, packed first half, packed second half) of the latest Current View of each case that has one,
    and with_dates: (..., the view's date, the child's date of birth).

    Starting from the cases, each value is an index lookup on (case, date completed): no scan of all views.
    """
    latest = current_views_latest_first()
    columns = ["view_id", "first_half", "second_half"]
    rows = cases.order_by().annotate(
        view_id=Subquery(latest.values("pk")[:1]),
        first_half=Subquery(latest.annotate(packed=_packed(HALVES[0])).values("packed")[:1]),
        second_half=Subquery(latest.annotate(packed=_packed(HALVES[1])).values("packed")[:1]),
    )
    if with_dates:
        rows = rows.annotate(
            view_date=Subquery(latest.values("completed_on")[:1]), born=F("patient__date_of_birth")
        )
        columns += ["view_date", "born"]
    return [row for row in rows.values_list(*columns) if row[0] is not None]


def ages_in_years(born: Sequence[dt.date], on: Sequence[dt.date]) -> np.ndarray:
    """Completed years of age on each date (assessments.validation.age_in_years, vectorised); NOT_KNOWN_CODE
    where that is no age (a date before the birth)."""
    import pandas as pd

    birth, day = pd.DatetimeIndex(pd.to_datetime(list(born))), pd.DatetimeIndex(pd.to_datetime(list(on)))
    before_birthday = (day.month * 100 + day.day) < (birth.month * 100 + birth.day)
    ages = np.asarray(day.year - birth.year - before_birthday.astype(int), dtype=np.int64)
    return np.where((ages < 0) | (ages > MAX_AGE), NOT_KNOWN_CODE, ages)


def chunk_bounds(cases: QuerySet[Case], size: int) -> list[tuple[int, int]]:
    """Inclusive (first, last) case-id ranges of at most `size` cases each."""
    ids = list(cases.order_by("pk").values_list("pk", flat=True))
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


def regroup_cases(
    cases: QuerySet[Case], rules_version: RulesVersion, use_copy: bool | None = None
) -> ChunkResult:
    """Store `rules_version`'s suggestion for the latest Current View of each case; existing ones are left as they are."""
    postgres = connection.vendor == "postgresql"
    with without_jit():
        if postgres:
            # Django's foreign keys are checked at commit by default: check them while inserting instead, so the
            # commit after the run's counters are updated is quick and parallel chunks do not queue on that row.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        rules = rules_version.ruleset()
        rows = latest_packed(cases, with_dates=rules.reads_age)
        if not rows:
            return ChunkResult(0)
        data = np.array([row[:3] for row in rows], dtype=np.int64)
        ages = ages_in_years([row[4] for row in rows], [row[3] for row in rows]) if rules.reads_age else None
        result = suggest_arrays(unpack(data[:, 1], data[:, 2]), rules, ages)
        grouping_ids = dict(rules_version.groupings.values_list("code", "pk"))
        frame = _frame(data[:, 0], result, grouping_ids)
        (_store_with_copy if (postgres if use_copy is None else use_copy) else _store_with_orm)(
            frame, rules_version
        )
    return ChunkResult(views=len(frame))


def _frame(view_ids: np.ndarray, result: Any, grouping_ids: dict[str, int]) -> pd.DataFrame:
    """The suggestions of these views as the rows of their table."""
    import pandas as pd

    return pd.DataFrame(
        {
            "current_view_id": view_ids,
            "grouping_id": pd.array([grouping_ids.get(code) for code in result.grouping], dtype="Int64"),
            "add_on_grouping_id": pd.array(
                [grouping_ids.get(code) for code in result.add_on_grouping], dtype="Int64"
            ),
            "rule": result.rule,
            "complexity_count": result.complexity_count.astype(np.int16),
            "attendance_flag": result.attendance_flag,
            "risk_flag": result.risk_flag,
        }
    )


def _store_with_copy(frame: pd.DataFrame, rules_version: RulesVersion, *, refresh: bool = False) -> None:
    # PostgreSQL: COPY into a temporary table, then one INSERT ... ON CONFLICT DO NOTHING (idempotent), or, to
    # `refresh` (a view whose ratings changed), DO UPDATE.
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=False, na_rep="")
    buffer.seek(0)
    columns = ", ".join(frame.columns)
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TABLE IF EXISTS pg_temp.regroup_chunk"
        )  # inside an outer transaction it may remain
        cursor.execute(
            "CREATE TEMPORARY TABLE regroup_chunk (current_view_id bigint, grouping_id bigint, "
            "add_on_grouping_id bigint, rule varchar(12), "
            "complexity_count smallint, attendance_flag boolean, risk_flag boolean) ON COMMIT DROP"
        )
        cursor.connection.cursor().copy_expert(
            f"COPY regroup_chunk ({columns}) FROM STDIN WITH (FORMAT csv)", buffer
        )
        version_column = Suggestion._meta.get_field("rules_version").column
        cursor.execute(
            f"INSERT INTO {Suggestion._meta.db_table} ({columns}, {version_column}, created_at) "
            f"SELECT {columns}, %s, now() FROM regroup_chunk "
            f"ON CONFLICT (current_view_id, {version_column}) "
            + (
                "DO UPDATE SET "
                + ", ".join(f"{c} = EXCLUDED.{c}" for c in frame.columns if c != "current_view_id")
                if refresh
                else "DO NOTHING"
            ),
            [rules_version.pk],
        )


def _store_with_orm(frame: pd.DataFrame, rules_version: RulesVersion) -> None:
    import pandas as pd

    suggestions = [
        Suggestion(
            rules_version_id=rules_version.pk, **{str(k): (None if pd.isna(v) else v) for k, v in row.items()}
        )
        for row in frame.astype(object).to_dict("records")
    ]
    Suggestion.objects.bulk_create(suggestions, batch_size=5000, ignore_conflicts=True)


def suggest_views(view_ids: Sequence[int], rules_version: RulesVersion, chunk: int = 50_000) -> int:
    """Store `rules_version`'s suggestion for each of these Current Views, as recording one in the browser does
    (a view whose ratings changed gets its suggestion refreshed); allocates nothing. Returns how many."""
    from assessments.models import CurrentView

    rules = rules_version.ruleset()
    grouping_ids = dict(rules_version.groupings.values_list("code", "pk"))
    stored = 0
    for start in range(0, len(view_ids), chunk):
        views = CurrentView.objects.filter(pk__in=list(view_ids[start : start + chunk])).annotate(
            first_half=_packed(HALVES[0]),
            second_half=_packed(HALVES[1]),
            born=F("case__patient__date_of_birth"),
        )
        rows = list(views.values_list("pk", "first_half", "second_half", "completed_on", "born"))
        if not rows:
            continue
        data = np.array([row[:3] for row in rows], dtype=np.int64)
        ages = ages_in_years([row[4] for row in rows], [row[3] for row in rows]) if rules.reads_age else None
        result = suggest_arrays(unpack(data[:, 1], data[:, 2]), rules, ages)
        if connection.vendor == "postgresql":  # an import's 500,000 views: no model instance per row
            _store_with_copy(_frame(data[:, 0], result, grouping_ids), rules_version, refresh=True)
            stored += len(rows)
            continue
        suggestions = [
            Suggestion(
                current_view_id=int(view_id),
                rules_version=rules_version,
                grouping_id=grouping_ids.get(grouping),
                add_on_grouping_id=grouping_ids.get(add_on),
                rule=rule,
                complexity_count=int(count),
                attendance_flag=bool(attendance),
                risk_flag=bool(risk),
            )
            for view_id, grouping, add_on, rule, count, attendance, risk in zip(
                data[:, 0].tolist(),
                result.grouping.tolist(),
                result.add_on_grouping.tolist(),
                result.rule.tolist(),
                result.complexity_count.tolist(),
                result.attendance_flag.tolist(),
                result.risk_flag.tolist(),
                strict=True,
            )
        ]
        Suggestion.objects.bulk_create(
            suggestions,
            batch_size=5000,
            update_conflicts=True,
            unique_fields=["current_view", "rules_version"],
            update_fields=[
                "grouping",
                "add_on_grouping",
                "rule",
                "complexity_count",
                "attendance_flag",
                "risk_flag",
            ],
        )
        stored += len(suggestions)
    return stored
