"""Geometry of the small score-over-time charts on the case page (the template draws the SVG)."""

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
