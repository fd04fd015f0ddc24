"""Report columns read as words, figures as people write them, codes with their meaning (issue 29)."""

import pytest

from camhs_pbr.lib.numbers import Kind
from reports import headings
from reports.exports import Cell
from reports.kinds import KINDS


@pytest.mark.parametrize("report", sorted(KINDS))
def test_every_column_of_every_report_has_a_heading_a_kind_and_a_meaning(report):
    for column in KINDS[report].columns:
        entry = headings.column_of(report, column)
        assert entry.heading and entry.heading != column
        assert isinstance(entry.kind, Kind)
        assert entry.meaning.endswith(".")
    assert set(headings.COLUMNS[report]) == set(KINDS[report].columns)  # no heading for a column not there


def test_a_column_without_a_heading_is_named_in_the_error():
    with pytest.raises(LookupError, match="'nonsense'"):
        headings.column_of("cost", "nonsense")


def test_a_cost_row_reads_as_money_counts_and_hours_without_float_artefacts():
    columns = ["grouping", "open_at_month_end", "attended_hours", "cost", "variance"]
    row: list[Cell] = ["UNGROUPED", 12345, 5.333333333333333, 20581.0, -256.0]
    assert headings.shown("cost", columns, row) == ["Not grouped", "12,345", "5.3", "£20,581", "-£256"]


def test_codes_read_as_their_meaning_and_suppressed_figures_stay_stars():
    columns = ["gender", "grouping", "open_at_month_end", "referred_in_month", "closed_in_month"]
    assert headings.shown("casemix", columns, ["2", "GH03", "*", 0, None]) == ["Female", "GH03", "*", "0", ""]
    assert headings.shown("outcomes", ["informant", "improved_share"], ["parent", 30.9]) == [
        "Parent or carer",
        "31%",
    ]
    assert headings.readable(["gender", "cost"], ["X", 1.5]) == ["Not known (not recorded)", 1.5]


def test_currency_ratios_read_to_two_places():
    assert headings.shown("currency", ["cost_cv", "eta_squared"], [0.123456, 0.75]) == ["0.12", "0.75"]


def test_an_outcome_row_names_its_measure_and_scale_in_words_read_with_its_measure():
    columns = ["grouping", "measure", "informant", "scale", "pairs"]
    sdq: list[Cell] = ["GH03", "sdq", "parent", "total_difficulties", 12]
    honosca: list[Cell] = ["UNGROUPED", "honosca", "clinician", "total", 3]
    goals: list[Cell] = ["GH03", None, None, None, 0]  # a grouping without pairs has no measure
    assert headings.shown("outcomes", columns, sdq) == [
        "GH03",
        "SDQ",
        "Parent or carer",
        "Total difficulties",
        "12",
    ]
    # The same scale code in another measure is that measure's scale.
    assert headings.shown("outcomes", columns, honosca)[1:4] == ["HoNOSCA", "Clinician", "Total (15 scales)"]
    assert headings.readable(columns, honosca) == [
        "Not grouped",
        "HoNOSCA",
        "Clinician",
        "Total (15 scales)",
        3,
    ]
    assert headings.shown("outcomes", columns, goals) == ["GH03", "", "", "", "0"]
