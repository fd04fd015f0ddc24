"""The dashboard's tables show figures as people read them (issue 29: no float artefacts anywhere); the CSV
keeps the plain values."""

import re

from django.template.loader import render_to_string

from dashboards.figures import Row, Table
from dashboards.panels import COST_COLUMNS, COST_KINDS, Panel

ARTEFACT = re.compile(r"\d+\.\d{3,}|\d\.0\b")


def _cost_table() -> Table:
    rows = (
        Row(("GH01", 3, 7, 266.0, 88.67, 1024.0, -935.33)),
        Row(("Not allocated", 0, 0, 0.0, None, None, None)),
    )
    return Table("cost", "Cost", COST_COLUMNS, rows, kinds=COST_KINDS)


def test_a_cost_table_reads_in_pounds_and_a_missing_figure_as_a_dash():
    shown = [[cell for cell, _ in row] for row in _cost_table().shown_rows]
    assert shown == [
        ["GH01", "3", "7", "£266", "£89", "£1,024", "-£935"],
        ["Not allocated", "0", "0", "£0", "–", "–", "–"],
    ]


def test_waiting_days_and_shares_read_to_one_decimal_place_and_as_percentages():
    waiting = Table(
        "waiting",
        "Days",
        ("Team", "Cases", "Median days", "90th percentile days"),
        (Row(("North", 74, 38.0, 118.50000000000001)),),
        kinds=("text", "count", "mean", "mean"),
    )
    agreement = Table(
        "agreement",
        "Allocations",
        ("Clinician", "Allocations", "Share differing"),
        (Row(("Chloe", 9, 0.1111111111111111)),),
        kinds=("text", "count", "share"),
    )
    assert [c for c, _ in waiting.shown_rows[0]] == ["North", "74", "38.0", "118.5"]
    assert [c for c, _ in agreement.shown_rows[0]] == ["Chloe", "9", "11%"]
    assert agreement.plain_rows() == [("Chloe", 9, 0.1111111111111111)]


def test_the_panel_on_the_page_shows_no_float_artefact():
    page = render_to_string(
        "dashboards/_dashboard_panel.html", {"panel": Panel(_cost_table()), "css": "", "query": ""}
    )
    cells = re.findall(r"<td[^>]*>(.*?)</td>", page)
    assert "£1,024" in cells and not [cell for cell in cells if ARTEFACT.search(cell)]
