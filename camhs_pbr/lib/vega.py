"""Vega-Lite specs drawn on the server (vl-convert): SVG for pages and PDFs, PNG for spreadsheets.

No JavaScript reaches the browser and the page's Content Security Policy stays as it is: the SVG is inline,
drawn with presentation attributes (no style attributes, no scripts). Drawing costs tens of milliseconds
(the first in a process several hundred), so each drawing is kept in the cache under a digest of its spec:
the same figures are drawn once, whoever asks (the page, the XLSX, the PDF pack).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from typing import Any, Protocol, TypeVar

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

CACHE_SECONDS = 7 * 24 * 3600
PNG_SCALE = 2


def digest(spec: dict[str, Any]) -> str:
    """A short name for a spec: the same spec, the same name."""
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:32]


def _cached(kind: str, spec: dict[str, Any], draw: Any) -> Any:
    key = f"vega:{kind}:{digest(spec)}"
    try:
        drawn = cache.get(key)
    except Exception:  # an unreachable cache only costs the drawing
        drawn = None
    if drawn is None:
        drawn = draw()
        try:
            cache.set(key, drawn, CACHE_SECONDS)
        except Exception:
            pass
    return drawn


def svg_of(spec: dict[str, Any]) -> str:
    """The spec drawn as an SVG document (cached)."""

    def draw() -> str:
        import vl_convert

        return str(vl_convert.vegalite_to_svg(spec))

    return str(_cached("svg", spec, draw))


def png_of(spec: dict[str, Any], scale: float = PNG_SCALE) -> bytes:
    """The spec drawn as a PNG image, `scale` pixels per point (cached)."""

    def draw() -> bytes:
        import vl_convert

        return bytes(vl_convert.vegalite_to_png(spec, scale=scale))

    return bytes(_cached(f"png{scale:g}", spec, draw))


_ROOT = re.compile(r"<svg\b([^>]*)>")
_ID = re.compile(r'\bid="([^"]+)"')
_MARK_ROLES = re.compile(r'\s(?:role|aria-roledescription)="[^"]*"')


def inline_svg(spec: dict[str, Any], *, label: str, prefix: str, css_class: str = "chart") -> str:
    """The spec's SVG for inlining in HTML: one image with `label` as its accessible name (and title),
    its size from the drawing, kept within its box by a class (no style attribute), ids made unique by `prefix`."""
    drawn = svg_of(spec)
    drawn = re.sub(r"<\?xml[^>]*>\s*", "", drawn)
    # The image is read as a whole by its label: its marks carry no roles of their own (Vega marks some as
    # graphics symbols, which would each need a name).
    drawn = _MARK_ROLES.sub("", drawn)
    ids = set(_ID.findall(drawn))
    for old in ids:
        drawn = drawn.replace(f'id="{old}"', f'id="{prefix}-{old}"').replace(f"#{old})", f"#{prefix}-{old})")
    match = _ROOT.search(drawn)
    if match is None:
        raise ValueError("vl-convert returned no SVG root")
    attributes = match.group(1).replace(' class="marks"', "")
    label_text = html.escape(label, quote=True)
    root = (
        f'<svg{attributes} class="{css_class}" role="img" aria-label="{label_text}" '
        f'preserveAspectRatio="xMinYMin meet"><title>{label_text}</title>'
    )
    return drawn[: match.start()] + root + drawn[match.end() :]


class Drawable(Protocol):
    """A chart as pages take it (reports.charts.ChartSpec): its spec, or None when words say it better."""

    @property
    def key(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def spec(self) -> dict[str, Any] | None: ...


Chart = TypeVar("Chart", bound=Drawable)


def drawn(chart: Chart) -> tuple[Chart, SafeString | None]:
    """A chart and its inline SVG for a template (None when it is said in words); the SVG is drawn by
    vl-convert from the project's own spec, with no script, and is cached."""
    if chart.spec is None:
        return chart, None
    return chart, mark_safe(inline_svg(chart.spec, label=chart.summary, prefix=chart.key))  # noqa: S308
