"""A case's outcome measures over time: score tables, first-latest pairs with reliable change, charts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count

from assessments.change import ChangeParameters, classify_change, reliable_change_threshold
from assessments.measures import measure
from assessments.models import Case, ChangeThreshold, MeasureResponse, MeasureScore
from camhs_pbr.lib.charts import Chart, line_chart

# pandas (and the pyarrow it loads) is imported where frames are built: every process loads this module, few
# build one (tests/test_startup_imports.py).
if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class ScaleChange:
    scale: str
    label: str
    first: int
    latest: int
    threshold: float | None
    category: str | None
    recovered: bool | None


@dataclass
class MeasureHistory:
    measure: str
    informant: str
    label: str
    scales: tuple[str, ...]
    scale_labels: tuple[str, ...]
    rows: list[tuple[MeasureResponse, list[int | None]]] = field(default_factory=list)
    changes: list[ScaleChange] = field(default_factory=list)
    chart: Chart | None = None


def first_and_latest(scores: pd.DataFrame, *, per: Sequence[str] = ()) -> pd.DataFrame:
    """Per (measure, informant, scale): the first and latest non-missing scores, when there are two or more.

    `scores` has columns measure, informant, scale, completed_on, response_id, value, and the columns `per`
    names: with per=["case_id"], the pairs of every episode at once (the outcome report's), the same as each
    episode's scores paired alone.
    """
    import pandas as pd

    present = scores.dropna(subset=["value"]).sort_values(["completed_on", "response_id"])
    grouped = present.groupby([*per, "measure", "informant", "scale"], sort=False)["value"]
    pairs = pd.DataFrame({"first": grouped.first(), "latest": grouped.last(), "n": grouped.size()})
    return pairs[pairs["n"] >= 2].reset_index()


def histories(case: Case) -> list[MeasureHistory]:
    """Everything the case page shows about outcome measures, one entry per measure and informant."""
    import pandas as pd

    responses = list(
        case.measure_responses.select_related("recorded_by", "corrected_by")
        .annotate(earlier_version_count=Count("earlier_versions"))
        .order_by("completed_on", "pk")
    )
    if not responses:
        return []
    values = {
        (score.response_id, score.scale): score.value
        for score in MeasureScore.objects.filter(response__case=case)
    }
    frame = pd.DataFrame(
        [
            (r.measure, r.informant, scale, r.completed_on, r.pk, values.get((r.pk, scale)))
            for r in responses
            for scale in measure(r.measure).score_columns
        ],
        columns=["measure", "informant", "scale", "completed_on", "response_id", "value"],
    )
    pairs = first_and_latest(frame)
    thresholds = {(t.measure, t.scale, t.informant): t for t in ChangeThreshold.objects.all()}
    result: dict[tuple[str, str], MeasureHistory] = {}
    for response in responses:
        key = (response.measure, response.informant)
        if key not in result:
            label = f"{response.get_measure_display()} ({response.get_informant_display()})"
            spec = measure(response.measure)
            scales = spec.score_columns
            labels = tuple(spec.scale_label(scale) for scale in scales)
            result[key] = MeasureHistory(response.measure, response.informant, label, scales, labels)
        history = result[key]
        history.rows.append((response, [values.get((response.pk, scale)) for scale in history.scales]))
    for pair in pairs.itertuples(index=False):
        code, scale, informant = str(pair.measure), str(pair.scale), str(pair.informant)
        result[(code, informant)].changes.append(_change(pair, thresholds.get((code, scale, informant))))
    for history in result.values():
        history.chart = _chart(history)
    return list(result.values())


def _change(pair, threshold: ChangeThreshold | None) -> ScaleChange:
    first, latest = int(pair.first), int(pair.latest)
    label = measure(pair.measure).scale_label(pair.scale)
    if threshold is None:
        return ScaleChange(pair.scale, label, first, latest, None, None, None)
    params = ChangeParameters(threshold.sd1, threshold.r, threshold.cutoff, threshold.higher_is_worse)
    change = classify_change(first, latest, params)
    return ScaleChange(
        pair.scale,
        label,
        first,
        latest,
        reliable_change_threshold(threshold.sd1, threshold.r),
        str(change.category),
        change.recovered,
    )


def _chart(history: MeasureHistory) -> Chart:
    spec = measure(history.measure)
    headline = list(spec.headline_scales)
    series = {
        scale: [
            (response.completed_on, values[history.scales.index(scale)]) for response, values in history.rows
        ]
        for scale in headline
    }
    low, high = spec.score_ranges[headline[0]]
    return line_chart(series, low, high)
