"""Outcome report by grouping (issue 14, SPEC §6): paired measures and reliable change of closed episodes.

Which episodes count: episodes of care (accepted, so referrals closed unaccepted are left out) closed in the
report month M, from M's first to its last day inclusive. One month rather than the 12 months to M because
then every closed episode is counted in exactly one monthly report: counts add up across months, so a
rolling year (or a quarter) is the sum of stored monthly runs, never a double count; and it is the closure
rule of `reports.periods`, which gives an episode closed in M the grouping in force the day before closure.

A pair (SPEC §6) is the first and the latest non-missing score of one scale of one measure from one informant
over all the episode's responses, ordered by completion date then entry; a scale scored only once has none.
A pair is classified by the project's change rule (`assessments.change.classify_change_frame`) with the
scale's `ChangeThreshold` row; a scale without such a row counts in `pairs` but not in `classified`, and its
change counts are missing (not 0). `recovered` is missing where the threshold row has no caseness cut-off.

SQL does the counting of episodes and the pairing (first and latest per episode and scale); pandas sees
one row per closed episode and one per paired scale of an episode, classifies them and counts by grouping.

The grouping is the code of the allocation in force (`periods.with_grouping_for`) and its name comes from
the catalogue of the rules version the report is run under; a code outside that catalogue keeps its code
with an empty name, and an episode without an allocation is UNGROUPED ("Not grouped").

Counts (COUNT_COLUMNS) are raw, before disclosure control; every percentage in SHARES names its numerator
and its base count. `closed_episodes` and `episodes_with_pair` belong to the grouping and repeat on each of
its rows: take them once per grouping. Every episode has one grouping, so totals over groupings are sums.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import Count, F, Func, IntegerField, QuerySet

from accounts.models import Commissioner, Provider
from assessments.change import ChangeCategory, classify_change_frame
from assessments.measures import MEASURES
from assessments.models import Case, ChangeThreshold, Informant, MeasureScore
from assessments.outcomes import first_and_latest
from groupings.models import Grouping, RulesVersion
from reports.models import ScopeKind
from reports.periods import UNGROUPED, UNGROUPED_NAME, Month, with_grouping_for

# pandas (and the pyarrow it loads) is imported where frames are built: every process loads this module, few
# build one (tests/test_startup_imports.py).
if TYPE_CHECKING:
    import pandas as pd

KEY_COLUMNS = (
    "period",
    "scope_kind",
    "scope_code",
    "grouping",
    "grouping_name",
    "measure",
    "informant",
    "scale",
)
COUNT_COLUMNS = (
    "closed_episodes",
    "episodes_with_pair",
    "pairs",
    "classified",
    "improved",
    "no_change",
    "deteriorated",
    "recovered",
)
# Each percentage with its numerator and its base: disclosure control suppresses one whose base is 1-7.
SHARES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "paired_share": ("episodes_with_pair", "closed_episodes"),
        "improved_share": ("improved", "classified"),
        "no_change_share": ("no_change", "classified"),
        "deteriorated_share": ("deteriorated", "classified"),
        "recovered_share": ("recovered", "classified"),
    }
)
COLUMNS = (*KEY_COLUMNS[:5], *COUNT_COLUMNS[:2], *KEY_COLUMNS[5:], *COUNT_COLUMNS[2:], *SHARES)
_CHANGE_COUNTS = {
    ChangeCategory.RELIABLY_IMPROVED: "improved",
    ChangeCategory.NO_RELIABLE_CHANGE: "no_change",
    ChangeCategory.RELIABLY_DETERIORATED: "deteriorated",
}
_PAIR_KEYS = ["case_id", "measure", "informant", "scale"]


class _FirstElement(Func):
    """The first element of an array (PostgreSQL arrays count from 1)."""

    template = "(%(expressions)s)[1]"
    output_field = IntegerField()


def outcome_rows(month: Month, scope_kind: str, scope_code: str, rules_version: RulesVersion) -> pd.DataFrame:
    """The outcome report of `month` for a commissioner's or a provider's closed episodes, one row per
    grouping and paired (measure, informant, scale), or one row with empty measure for a grouping
    without pairs; raw counts, before disclosure control."""
    import pandas as pd

    episodes = _closed_episodes(month, scope_kind, scope_code)
    grouped = pd.DataFrame.from_records(
        list(with_grouping_for(episodes, month).values_list("pk", "grouping")),
        columns=["case_id", "grouping"],
    )
    if grouped.empty:
        return pd.DataFrame({column: pd.Series(dtype=_dtype(column)) for column in COLUMNS})
    pairs = classified_changes(measure_pairs(episodes)).merge(grouped, on="case_id")
    by_grouping = grouped.groupby("grouping").size().rename("closed_episodes").to_frame()
    by_grouping["episodes_with_pair"] = pairs.groupby("grouping")["case_id"].nunique()
    rows = (
        by_grouping.fillna({"episodes_with_pair": 0})
        .reset_index()
        .merge(_counts_by_scale(pairs), on="grouping", how="left")
    )
    rows = rows.fillna({"pairs": 0, "classified": 0})
    names = dict(Grouping.objects.filter(rules_version=rules_version).order_by().values_list("code", "name"))
    names[UNGROUPED] = UNGROUPED_NAME
    rows["grouping_name"] = rows["grouping"].map(names).fillna("")
    rows["period"], rows["scope_kind"], rows["scope_code"] = month.label(), scope_kind, scope_code
    for share, (numerator, base) in SHARES.items():
        rows[share] = _percentage(rows[numerator], rows[base])
    return (
        _in_report_order(rows).reset_index(drop=True)[list(COLUMNS)].astype({c: _dtype(c) for c in COLUMNS})
    )


def _closed_episodes(month: Month, scope_kind: str, scope_code: str) -> QuerySet[Case]:
    """Episodes of care in the scope closed from the month's first to its last day."""
    if scope_kind == ScopeKind.COMMISSIONER:
        if not Commissioner.objects.filter(code=scope_code).exists():
            raise ValueError(f"no commissioner has the code {scope_code!r}")
        in_scope = Case.objects.filter(commissioner__code=scope_code)
    elif scope_kind == ScopeKind.PROVIDER:
        if not Provider.objects.filter(code=scope_code).exists():
            raise ValueError(f"no provider has the code {scope_code!r}")
        in_scope = Case.objects.filter(team__provider__code=scope_code)
    else:
        raise ValueError(f"unknown scope {scope_kind!r}: expected one of {', '.join(ScopeKind.values)}")
    return in_scope.filter(
        accepted_date__isnull=False, closed_date__gte=month.first, closed_date__lte=month.last
    )


def measure_pairs(episodes: QuerySet[Case]) -> pd.DataFrame:
    """Per episode, measure, informant and scale with two or more scores: the first and the latest.

    PostgreSQL pairs them in SQL; other databases (the SQLite of `make run`) pair the month's closed
    episodes' scores in pandas with the case page's own pairing rule."""
    import pandas as pd

    if connection.vendor != "postgresql":
        return _pairs_per_episode(episodes)
    order = ("response__completed_on", "response_id")
    rows = (
        MeasureScore.objects.filter(response__case__in=episodes.values("pk"), value__isnull=False)
        .values(
            "scale",
            case_id=F("response__case_id"),
            measure=F("response__measure"),
            informant=F("response__informant"),
        )
        .annotate(
            scores=Count("pk"),
            first=_FirstElement(ArrayAgg("value", order_by=order)),
            last=_FirstElement(ArrayAgg("value", order_by=tuple(f"-{field}" for field in order))),
        )
        .filter(scores__gte=2)
        .values_list("case_id", "measure", "informant", "scale", "first", "last")
    )
    return pd.DataFrame.from_records(list(rows), columns=[*_PAIR_KEYS, "first", "last"])


def _pairs_per_episode(episodes: QuerySet[Case]) -> pd.DataFrame:
    """The portable path of measure_pairs: one frame of the episodes' scores, paired per episode."""
    import pandas as pd

    scores = pd.DataFrame.from_records(
        list(
            MeasureScore.objects.filter(
                response__case__in=episodes.values("pk"), value__isnull=False
            ).values_list(
                "response__case_id",
                "response__measure",
                "response__informant",
                "scale",
                "response__completed_on",
                "response_id",
                "value",
            )
        ),
        columns=["case_id", "measure", "informant", "scale", "completed_on", "response_id", "value"],
    )
    if scores.empty:
        return pd.DataFrame(columns=[*_PAIR_KEYS, "first", "last"])
    # One grouping of every episode's scores (not one pairing per episode, in Python): the episodes in order,
    # each one's pairs in the order the case page gives them.
    paired = first_and_latest(scores, per=["case_id"]).sort_values("case_id", kind="stable")
    paired = paired.rename(columns={"latest": "last"})
    return paired[[*_PAIR_KEYS, "first", "last"]].reset_index(drop=True)


def classified_changes(pairs: pd.DataFrame) -> pd.DataFrame:
    """Pairs with `change` (a ChangeCategory value, missing without a threshold row) and `recovered`
    (missing without a threshold row or a cut-off)."""
    import pandas as pd

    fields = ["measure", "informant", "scale", "sd1", "r", "cutoff", "higher_is_worse"]
    thresholds = pd.DataFrame.from_records(
        list(ChangeThreshold.objects.order_by().values_list(*fields)), columns=fields
    )
    with_threshold = pairs.merge(thresholds, on=["measure", "informant", "scale"], how="left", indicator=True)
    known = with_threshold["_merge"] == "both"
    result = pairs.assign(change=pd.Series(pd.NA, index=pairs.index, dtype="string"))
    result["recovered"] = pd.Series(pd.NA, index=pairs.index, dtype="boolean")
    if known.any():
        rows = with_threshold[known]
        # Where the threshold row has no cut-off, "recovered" does not apply and comes back missing.
        changed = classify_change_frame(rows)
        result.loc[known, "change"] = changed["change"].astype("string").to_numpy()
        result.loc[known, "recovered"] = changed["recovered"].to_numpy()
    return result


def _counts_by_scale(pairs: pd.DataFrame) -> pd.DataFrame:
    """Per grouping, measure, informant and scale: pairs, classified pairs and each change count."""
    import pandas as pd

    keys = ["grouping", "measure", "informant", "scale"]
    if pairs.empty:
        return pd.DataFrame(columns=[*keys, *COUNT_COLUMNS[2:]])
    counted = pairs.assign(
        classified=pairs["change"].notna(),
        has_cutoff=pairs["recovered"].notna(),
        **{column: pairs["change"] == category.value for category, column in _CHANGE_COUNTS.items()},
    )
    grouped = counted.groupby(keys)
    counts = grouped.agg(
        pairs=("case_id", "size"),
        classified=("classified", "sum"),
        improved=("improved", "sum"),
        no_change=("no_change", "sum"),
        deteriorated=("deteriorated", "sum"),
        recovered=("recovered", "sum"),
        has_cutoff=("has_cutoff", "any"),
    )
    unclassified = counts["classified"] == 0
    for column in _CHANGE_COUNTS.values():
        counts[column] = counts[column].astype("Int64").mask(unclassified)
    counts["recovered"] = counts["recovered"].astype("Int64").mask(~counts["has_cutoff"])
    return counts.drop(columns="has_cutoff").reset_index()


def _percentage(numerator: pd.Series, base: pd.Series) -> pd.Series:
    numerator, base = numerator.astype("Float64"), base.astype("Float64")
    return (100 * numerator / base).mask(base == 0)


def _in_report_order(rows: pd.DataFrame) -> pd.DataFrame:
    """Groupings by code with UNGROUPED last; measures, informants and scales in the registry's order."""
    import pandas as pd

    measures = list(MEASURES)
    informants = list(Informant.values)
    scales = {
        (code, scale): n for code, spec in MEASURES.items() for n, scale in enumerate(spec.score_columns)
    }
    ranks = pd.DataFrame(
        {
            "grouping": ("1" + rows["grouping"]).where(rows["grouping"] == UNGROUPED, "0" + rows["grouping"]),
            "measure": rows["measure"].map(measures.index, na_action="ignore").fillna(-1),
            "informant": rows["informant"].map(informants.index, na_action="ignore").fillna(-1),
            "scale": [scales.get((m, s), -1) for m, s in zip(rows["measure"], rows["scale"], strict=True)],
        },
        index=rows.index,
    )
    return rows.loc[ranks.sort_values(list(ranks.columns)).index]


def _dtype(column: str) -> str:
    if column in COUNT_COLUMNS:
        return "Int64"
    if column in SHARES:
        return "Float64"
    return "string"
