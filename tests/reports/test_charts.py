"""The report charts' Vega-Lite specs say what and when, with units on their axes, a legend only when there is
more than one series, and words instead of a drawing when there is less than two months to draw."""

import datetime as dt

from camhs_pbr.lib.numbers import Kind
from reports.charts import axis_title, bar_chart, confusion_chart, trend_chart

D = dt.date
MONTHS = [D(2026, m, 1) for m in (8, 9, 10)]


def trend(series, kind=Kind.MONEY, unit=""):
    return trend_chart(
        key="trend-cost",
        title="Cost (£), month by month",
        when="Cost by team and grouping, Trust A (RAA), Nov 2025 to Oct 2026",
        series=series,
        kind=kind,
        unit=unit,
    )


def test_a_trend_has_a_title_saying_what_and_when_and_axes_with_units():
    chart = trend({"Cost (£)": list(zip(MONTHS, [1200.0, 1900, 5950.5], strict=True))})
    spec = chart.spec
    assert spec["title"]["text"] == "Cost (£), month by month"
    assert spec["title"]["subtitle"] == ["Cost by team and grouping, Trust A (RAA), Nov 2025 to Oct 2026"]
    assert spec["encoding"]["x"]["title"] == "Month"
    assert spec["encoding"]["y"]["title"] == "Cost (£)"
    assert "£" in spec["encoding"]["y"]["axis"]["labelExpr"]
    assert spec["encoding"]["x"]["axis"]["tickCount"] == {"interval": "month", "step": 1}
    assert "legend" not in str(spec["encoding"].get("color", {}))  # one series: no legend
    assert chart.summary.endswith("October 2026: Cost (£): £5,951.")
    assert chart.message == ""


def test_a_count_trend_says_what_it_counts_on_its_axis():
    chart = trend({"Open at month end": list(zip(MONTHS, [3, 4, 5], strict=True))}, Kind.COUNT, "episodes")
    assert chart.spec["encoding"]["y"]["title"] == "Open at month end (episodes)"


def test_a_trend_of_more_than_one_series_has_a_legend():
    chart = trend(
        {
            "Trust A": list(zip(MONTHS, [1, 2, 3], strict=True)),
            "Trust B": list(zip(MONTHS, [4, 5, 6], strict=True)),
        }
    )
    colour = chart.spec["encoding"]["color"]
    assert colour["field"] == "series" and colour["legend"] == {"orient": "bottom"}


def test_a_trend_with_one_month_of_figures_says_so_in_words_and_draws_nothing():
    chart = trend({"Cost (£)": [(MONTHS[0], None), (MONTHS[1], None), (MONTHS[2], 20581.0)]})
    assert chart.spec is None
    assert chart.message == "Only one month so far: Cost (£): £20,581 in October 2026."


def test_suppressed_months_are_gaps_and_said():
    chart = trend({"Open": [(MONTHS[0], 10), (MONTHS[1], "*"), (MONTHS[2], 15)]}, Kind.COUNT)
    assert [row["value"] for row in chart.spec["data"]["values"]] == [10.0, 15.0]
    assert chart.notes == ("1 month(s) suppressed (*) are not drawn.",)


def test_a_bar_chart_keeps_its_order_and_says_what_is_missing():
    chart = bar_chart(
        key="spread",
        title="Mean cost per closed episode by grouping",
        when="12 months to October 2026",
        bars=[("GA01", 100.0), ("GH03", None), ("GH04", 300.0)],
        value_label="Mean cost per closed episode",
        kind=Kind.MONEY,
        category_label="Grouping",
    )
    assert chart.spec is not None
    assert [row["label"] for row in chart.spec["data"]["values"]] == ["GA01", "GH04"]
    assert chart.spec["encoding"]["x"]["title"] == "Mean cost per closed episode (£)"
    assert chart.spec["encoding"]["y"]["title"] == "Grouping"
    assert chart.notes == ("1 without a figure not drawn.",)
    assert "highest GH04 at £300" in chart.summary


def test_axis_titles_carry_their_unit_once():
    assert axis_title("Cost", Kind.MONEY) == "Cost (£)"
    assert axis_title("Cost (£)", Kind.MONEY) == "Cost (£)"
    assert axis_title("Closed episodes", Kind.COUNT, "episodes") == "Closed episodes"
    assert axis_title("Open at month end", Kind.COUNT, "episodes") == "Open at month end (episodes)"


def test_a_confusion_matrix_is_a_heat_map_in_the_categories_order_with_each_count_written():
    chart = confusion_chart(
        key="c",
        title="Groupings of two raters",
        when="audit 1",
        categories=["GH03", "GA01"],
        counts=[[3, 1], [0, 2]],
        rows_label="First rater",
        columns_label="Second rater",
    )
    assert chart.spec is not None
    assert "heat map of 6 pairs over 2 categories; 5 on the diagonal" in chart.summary
    squares, written = chart.spec["layer"]
    assert squares["encoding"]["x"]["sort"] == ["GH03", "GA01"] == squares["encoding"]["y"]["sort"]
    assert (squares["encoding"]["y"]["title"], squares["encoding"]["x"]["title"]) == (
        "First rater",
        "Second rater",
    )
    assert written["mark"]["type"] == "text"
    cells = {(c["row"], c["column"]): c["n"] for c in chart.spec["data"]["values"]}
    assert cells[("GH03", "GA01")] == 1 and cells[("GA01", "GH03")] == 0


def test_a_confusion_matrix_without_pairs_says_so():
    chart = confusion_chart(
        key="c", title="T", when="audit 1", categories=[], counts=[], rows_label="A", columns_label="B"
    )
    assert chart.spec is None and chart.message == "No pairs to draw for audit 1."
