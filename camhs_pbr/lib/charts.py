"""Geometry of the small SVG charts (scores over time on the case page, report trends and spreads); the templates draw them."""

import datetime as dt
from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 260, 90, 14


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Line:
    name: str
    points: tuple[Point, ...]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    lines: tuple[Line, ...]
    y_min: int
    y_max: int
    first_date: dt.date | None
    last_date: dt.date | None


def line_chart(series: dict[str, list[tuple[dt.date, int | None]]], y_min: int, y_max: int) -> Chart:
    """Scale each series' (date, score) points into the chart box; missing scores leave gaps, not zeros."""
    dates = sorted({day for points in series.values() for day, value in points if value is not None})
    if not dates:
        return Chart(WIDTH, HEIGHT, tuple(Line(name, ()) for name in series), y_min, y_max, None, None)
    first, last = dates[0], dates[-1]
    span_days = max((last - first).days, 1)
    lines = []
    for name, points in series.items():
        placed = []
        for day, value in points:
            if value is None:
                continue
            x = PAD + (WIDTH - 2 * PAD) * ((day - first).days / span_days if len(dates) > 1 else 0.5)
            y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * (value - y_min) / (y_max - y_min)
            placed.append(Point(x, y, f"{day:%d/%m/%Y}: {value}"))
        lines.append(Line(name, tuple(placed)))
    return Chart(WIDTH, HEIGHT, tuple(lines), y_min, y_max, first, last)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    width: float  # in pixels, proportional to value
    y: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bars: tuple[Bar, ...]
    maximum: float


BAR_HEIGHT, BAR_GAP, LABEL_WIDTH = 14, 4, 70


def bar_chart(values: list[tuple[str, float | None]], width: int = 360) -> BarChart:
    """Horizontal bars for labelled values (missing values are left out), scaled to the largest."""
    shown = [(label, float(value)) for label, value in values if value is not None]
    top = max([value for _, value in shown] or [0.0])
    room = width - LABEL_WIDTH - PAD
    bars = tuple(
        Bar(label, value, room * value / top if top > 0 else 0.0, n * (BAR_HEIGHT + BAR_GAP))
        for n, (label, value) in enumerate(shown)
    )
    height = max(len(bars) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT)
    return BarChart(width, height, LABEL_WIDTH, bars, top)
