"""The charts of the reports as Vega-Lite specs: data in, a spec (a dict) out, built with Altair.

Pure: no request, no ORM. The same spec is drawn in the page (inline SVG), in the XLSX (a PNG) and in the PDF
pack by `camhs_pbr.lib.vega`. A chart has a title saying what and when, axes with units, a legend when it has
more than one series, and a sentence for screen readers; a trend with fewer than two months of figures is
said in words instead of drawn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from camhs_pbr.lib.numbers import Kind, figure

WIDTH, HEIGHT = 460, 220
BAR_STEP = 22
SERIES_COLOURS = ("#0d6efd", "#dc3545", "#198754", "#6f42c1")  # Bootstrap's blue, red, green, purple

MonthValue = tuple[dt.date, object]
"""(the month's first day, its figure: a number, "*" when suppressed, None without one)."""


@dataclass(frozen=True)
class ChartSpec:
    """A chart as the page, the XLSX and the PDF show it; `spec` is None when words say it better."""

    key: str  # an id on the page, unique per chart
    title: str
    summary: str  # what the chart shows, in one or two sentences (the SVG's label)
    spec: dict[str, Any] | None
    message: str = ""  # words shown instead of the chart, or beside it
    notes: tuple[str, ...] = field(default_factory=tuple)


def axis_title(label: str, kind: Kind | str, unit: str = "") -> str:
    """The axis title with its unit: money in £, counts in what they count."""
    kind = Kind(kind)
    if kind in (Kind.MONEY, Kind.MONEY_PENCE) and "£" not in label:
        return f"{label} (£)"
    if unit and unit not in label:
        return f"{label} ({unit})"
    return label


def _label_expression(kind: Kind | str) -> str:
    """How the value axis writes its ticks (Vega expressions, the figures' own formats)."""
    kind = Kind(kind)
    if kind is Kind.MONEY or kind is Kind.MONEY_PENCE:
        return "(datum.value < 0 ? '-£' : '£') + format(abs(datum.value), ',.0f')"
    if kind is Kind.SHARE:
        return "format(datum.value, '.0%')"
    if kind is Kind.RATIO:
        return "format(datum.value, '.2f')"
    return "format(datum.value, ',')"


def _month_words(day: dt.date) -> str:
    return f"{day:%B %Y}"


def _config() -> dict[str, Any]:
    # aria off: the page gives the whole SVG one label (role="img"), its marks are not read one by one.
    return {
        "aria": False,
        "font": "DejaVu Sans, Verdana, sans-serif",
        "title": {"anchor": "start", "fontSize": 13, "subtitleFontSize": 11, "subtitleColor": "#444"},
        "axis": {"labelFontSize": 11, "titleFontSize": 11, "labelColor": "#212529", "titleColor": "#212529"},
        "legend": {"labelFontSize": 11, "titleFontSize": 11},
        "view": {"stroke": None},
    }


def trend_chart(
    *,
    key: str,
    title: str,
    when: str,
    series: Mapping[str, Sequence[MonthValue]],
    kind: Kind | str,
    unit: str = "",
) -> ChartSpec:
    """A line over the months for each series; months without a figure (or suppressed, `*`) are gaps.
    With figures for fewer than two months it says so in words and draws nothing."""
    import altair as alt

    label = next(iter(series)) if series else title
    value_title = axis_title(label, kind, unit)
    plotted: list[dict[str, Any]] = [
        {"month": day.isoformat(), "series": name, "value": float(value)}
        for name, points in series.items()
        for day, value in points
        if isinstance(value, int | float) and not isinstance(value, bool)
    ]
    suppressed = sum(1 for points in series.values() for _, value in points if value == "*")
    notes = (f"{suppressed} month(s) suppressed (*) are not drawn.",) if suppressed else ()
    months = sorted({row["month"] for row in plotted})
    if len(months) < 2:
        if not months and suppressed:
            message = f"Nothing to draw for {when}: every figure so far is suppressed (*)."
            notes = ()
        elif not months:
            message = f"No figures yet for {when}."
        else:
            month = dt.date.fromisoformat(months[0])
            said = ", ".join(
                f"{row['series']}: {figure(row['value'], kind)}"
                for row in plotted
                if row["month"] == months[0]
            )
            message = f"Only one month so far: {said} in {_month_words(month)}."
        return ChartSpec(key, f"{title}, {when}", message, None, message=message, notes=notes)
    first, last = dt.date.fromisoformat(months[0]), dt.date.fromisoformat(months[-1])
    several = len(series) > 1
    colour: alt.Color | alt.ColorValue
    if several:
        colour = alt.Color(
            "series:N",
            title=None,
            scale=alt.Scale(range=list(SERIES_COLOURS)),
            legend=alt.Legend(orient="bottom"),
        )
    else:
        colour = alt.ColorValue(SERIES_COLOURS[0])
    chart = (
        alt.Chart(alt.Data(values=plotted))
        .mark_line(point=alt.OverlayMarkDef(size=40, filled=True), strokeWidth=2)
        .encode(
            x=alt.X(
                "month:T",
                timeUnit="yearmonth",
                title="Month",
                axis=alt.Axis(format="%b %y", tickCount={"interval": "month", "step": 1}, labelAngle=0),
            ),
            y=alt.Y(
                "value:Q",
                title=value_title,
                scale=alt.Scale(zero=True),
                axis=alt.Axis(labelExpr=_label_expression(kind), tickCount=5),
            ),
            color=colour,
            detail="series:N",
        )
        .properties(
            title=alt.TitleParams(text=title, subtitle=[when]),
            width=WIDTH,
            height=HEIGHT,
        )
        .configure(**_config())
    )
    latest = [row for row in plotted if row["month"] == months[-1]]
    said = "; ".join(f"{row['series']}: {figure(row['value'], kind)}" for row in latest)
    summary = (
        f"{title}, {when}: line chart of {value_title} by month, {_month_words(first)} to "
        f"{_month_words(last)}; {_month_words(last)}: {said}."
    )
    return ChartSpec(key, f"{title}, {when}", summary, chart.to_dict(), notes=notes)


def bar_chart(
    *,
    key: str,
    title: str,
    when: str,
    bars: Sequence[tuple[str, float | None]],
    value_label: str,
    kind: Kind | str,
    category_label: str,
) -> ChartSpec:
    """Horizontal bars for labelled values, in the order given (missing values are left out and said)."""
    import altair as alt

    shown: list[dict[str, Any]] = [
        {"label": label, "value": float(value)} for label, value in bars if value is not None
    ]
    missing = len(bars) - len(shown)
    notes = (f"{missing} without a figure not drawn.",) if missing else ()
    value_title = axis_title(value_label, kind)
    if not shown:
        message = f"No figures to draw for {when}."
        return ChartSpec(key, f"{title}, {when}", message, None, message=message, notes=notes)
    chart = (
        alt.Chart(alt.Data(values=shown))
        .mark_bar(color=SERIES_COLOURS[0])
        .encode(
            y=alt.Y("label:N", title=category_label, sort=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X(
                "value:Q",
                title=value_title,
                scale=alt.Scale(zero=True),
                axis=alt.Axis(labelExpr=_label_expression(kind), tickCount=5),
            ),
        )
        .properties(
            title=alt.TitleParams(text=title, subtitle=[when]),
            width=WIDTH - 120,
            height=alt.Step(BAR_STEP),
        )
        .configure(**_config())
    )
    top = max(shown, key=lambda row: row["value"])
    summary = (
        f"{title}, {when}: bar chart of {value_title} for {len(shown)} {category_label.lower()}s; "
        f"highest {top['label']} at {figure(top['value'], kind)}."
    )
    return ChartSpec(key, f"{title}, {when}", summary, chart.to_dict(), notes=notes)


def confusion_chart(
    *,
    key: str,
    title: str,
    when: str,
    categories: Sequence[str],
    counts: Sequence[Sequence[int]],
    rows_label: str,
    columns_label: str,
) -> ChartSpec:
    """A square table of counts (`counts[r][c]`: row category r, column category c) as a heat map with each
    cell's count written in it; the diagonal is agreement."""
    import altair as alt

    total = sum(sum(row) for row in counts)
    if not categories or total == 0:
        message = f"No pairs to draw for {when}."
        return ChartSpec(key, f"{title}, {when}", message, None, message=message)
    cells = [
        {"row": row_category, "column": column_category, "n": int(counts[r][c])}
        for r, row_category in enumerate(categories)
        for c, column_category in enumerate(categories)
    ]
    order = list(categories)
    base = alt.Chart(alt.Data(values=cells)).encode(
        x=alt.X("column:N", title=columns_label, sort=order, axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("row:N", title=rows_label, sort=order),
    )
    squares = base.mark_rect().encode(
        color=alt.Color("n:Q", title="Pairs", scale=alt.Scale(scheme="blues"), legend=alt.Legend(format=",d"))
    )
    written = (
        base.mark_text(fontSize=10)
        .encode(text=alt.Text("n:Q", format=",d"), color=alt.value("#212529"))
        .transform_filter("datum.n > 0")
    )
    side = max(BAR_STEP * len(categories), 120)
    chart = (
        alt.layer(squares, written)
        .properties(title=alt.TitleParams(text=title, subtitle=[when]), width=side, height=side)
        .configure(**_config())
    )
    same = sum(int(counts[n][n]) for n in range(len(categories)))
    summary = (
        f"{title}, {when}: heat map of {total:,} pairs over {len(categories)} categories; "
        f"{same:,} on the diagonal, where both chose the same."
    )
    return ChartSpec(key, f"{title}, {when}", summary, chart.to_dict())
