"""Vega-Lite specs drawn on the server: an inline SVG image with its words, no script, ids unique per chart."""

import re
from xml.etree import ElementTree

import pytest
from django.core.cache import cache

from camhs_pbr.lib import vega

SPEC = {
    "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
    "data": {"values": [{"x": "a", "y": 1}, {"x": "b", "y": 3}]},
    "mark": "bar",
    "encoding": {"x": {"field": "x", "type": "nominal"}, "y": {"field": "y", "type": "quantitative"}},
}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def test_an_inline_svg_is_one_labelled_image_without_script_or_style_attributes():
    drawn = vega.inline_svg(SPEC, label='Two bars: "a" 1, "b" 3', prefix="spread")
    root = drawn[: drawn.index(">") + 1]
    assert root.startswith("<svg") and 'role="img"' in root and 'class="chart"' in root
    assert 'aria-label="Two bars: &quot;a&quot; 1, &quot;b&quot; 3"' in root
    assert "<title>Two bars: &quot;a&quot; 1, &quot;b&quot; 3</title>" in drawn
    assert "<script" not in drawn.lower() and " style=" not in drawn
    assert drawn.count("role=") == 1  # the marks inside have no role of their own to name


def test_every_id_of_an_inline_svg_carries_its_prefix():
    drawn = vega.inline_svg(SPEC, label="Bars", prefix="trend-cost")
    assert all(found.startswith("trend-cost-") for found in re.findall(r'\bid="([^"]+)"', drawn))


def test_a_png_is_drawn_once_and_then_read_from_the_cache(monkeypatch):
    first = vega.png_of(SPEC)
    assert first.startswith(b"\x89PNG")
    import vl_convert

    monkeypatch.setattr(vl_convert, "vegalite_to_png", lambda *args, **kwargs: pytest.fail("drawn again"))
    assert vega.png_of(SPEC) == first


def test_words_from_the_data_are_escaped_in_the_svg():
    hostile = {**SPEC, "title": '<script>alert(1)</script>" onload="x'}
    hostile["data"] = {"values": [{"x": "<img src=x onerror=y>", "y": 1}]}
    drawn = vega.inline_svg(hostile, label='<script>" onload="x', prefix="p")
    elements = list(ElementTree.fromstring(drawn).iter())
    assert {element.tag.split("}")[-1] for element in elements} <= SVG_ELEMENTS
    assert not [name for element in elements for name in element.attrib if name.startswith("on")]
    assert "<script>alert(1)</script>" in "".join(element.text or "" for element in elements)  # as words


SVG_ELEMENTS = {"svg", "title", "rect", "g", "path", "line", "text", "defs", "clipPath", "circle", "tspan"}
