"""What each report column is called, what kind of figure it holds and what it means: the data dictionary.

The CSV keeps the machine names (the keys here); pages and XLSX files show the headings in words, write each
figure as its kind says (camhs_pbr.lib.numbers) and show a code with its meaning. The data dictionary page
lists all of it. Every column of every registered report kind has an entry (tests/reports/test_headings.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assessments.choices import Gender
from assessments.measures import MEASURES
from assessments.models import Informant
from camhs_pbr.lib.numbers import Kind, figure
from camhs_pbr.lib.safe_csv import Cell
from reports.models import ScopeKind
from reports.periods import UNGROUPED, UNGROUPED_NAME

UNGROUPED_MEANING = UNGROUPED_NAME


@dataclass(frozen=True)
class Column:
    heading: str
    kind: Kind
    meaning: str


C, M, N, P, R, T = Kind.COUNT, Kind.MONEY, Kind.MEAN, Kind.PERCENT, Kind.RATIO, Kind.TEXT
# MONEY_PENCE, SHARE (a fraction) are kinds no report column holds yet.

_PERIOD = Column("Month", T, "The report month, YYYY-MM.")
_GROUPING = Column(
    "Grouping code",
    T,
    "Code of the needs-based grouping; UNGROUPED (shown as “Not grouped”) where the case had no grouping.",
)
_GROUPING_NAME = Column("Grouping", T, "Name of the grouping in the rules version of the report.")
_PROVIDER = Column("Provider code", T, "ODS code of the provider (NHS trust) of the team.")
_OPEN = Column("Open at month end", C, "Episodes of care accepted and not closed on the month's last day.")

COLUMNS: dict[str, dict[str, Column]] = {
    "casemix": {
        "period": _PERIOD,
        "commissioner_code": Column("ICB code", T, "ODS code of the commissioning ICB."),
        "provider_code": _PROVIDER,
        "super_group": Column("Super group", T, "The super group of the grouping."),
        "grouping": _GROUPING,
        "grouping_name": _GROUPING_NAME,
        "age_band": Column("Age band", T, "The young person's age in years on the month's last day."),
        "gender": Column(
            "Gender",
            T,
            "Person stated gender (NHS data dictionary): 1 Male, 2 Female, 9 Indeterminate, X Not known.",
        ),
        "open_at_month_end": Column(
            "Open at month end", C, "Cases with an episode of care open on the month's last day."
        ),
        "referred_in_month": Column("Referred in month", C, "Cases referred during the month."),
        "closed_in_month": Column("Closed in month", C, "Episodes of care closed during the month."),
    },
    "teammix": {
        "period": _PERIOD,
        "provider_code": _PROVIDER,
        "team_code": Column("Team code", T, "Code of the team."),
        "team_name": Column("Team", T, "Name of the team."),
        "super_group": Column("Super group", T, "The super group of the grouping."),
        "grouping": _GROUPING,
        "grouping_name": _GROUPING_NAME,
        "age_band": Column("Age band", T, "The young person's age in years on the month's last day."),
        "gender": Column(
            "Gender",
            T,
            "Person stated gender (NHS data dictionary): 1 Male, 2 Female, 9 Indeterminate, X Not known.",
        ),
        "open_at_month_end": _OPEN,
        "referred_in_month": Column("Referred in month", C, "Cases referred to the team during the month."),
        "closed_in_month": Column(
            "Closed in month", C, "Episodes of care of the team closed during the month."
        ),
    },
    "cost": {
        "period": _PERIOD,
        "provider_code": _PROVIDER,
        "team_code": Column("Team code", T, "Code of the team."),
        "team_name": Column("Team", T, "Name of the team."),
        "grouping": _GROUPING,
        "grouping_name": _GROUPING_NAME,
        "open_at_month_end": _OPEN,
        "contacts_attended": Column(
            "Contacts attended", C, "Contacts in the month that the young person attended."
        ),
        "contacts_not_attended": Column("Did not attend", C, "Contacts in the month not attended (DNA)."),
        "contacts_cancelled": Column("Contacts cancelled", C, "Contacts in the month cancelled."),
        "attended_hours": Column("Attended hours", N, "Total duration of the attended contacts, in hours."),
        "cost": Column(
            "Cost (£)", M, "Cost of the attended contacts: hours × the unit cost of each profession."
        ),
        "cost_per_open_episode": Column(
            "Cost per open episode (£)", M, "Cost divided by the episodes open at month end."
        ),
        "indicative_price": Column(
            "Indicative price per episode (£)",
            M,
            "Expected appointments of the grouping × the reference contact cost: the price of one whole episode.",
        ),
        "variance": Column(
            "Variance (£)",
            M,
            "Cost per open episode minus the indicative price: a month's cost against a whole episode's price.",
        ),
    },
    "currency": {
        "grouping": _GROUPING,
        "grouping_name": _GROUPING_NAME,
        "episodes": Column(
            "Episodes closed", C, "Episodes of care closed in the 12 months to the report month."
        ),
        "appointments_mean": Column("Mean appointments", N, "Mean attended appointments per closed episode."),
        "appointments_median": Column(
            "Median appointments", N, "Median attended appointments per closed episode."
        ),
        "appointments_iqr": Column(
            "Appointments IQR", N, "Interquartile range of attended appointments per closed episode."
        ),
        "appointments_cv": Column(
            "Appointments CV", R, "Coefficient of variation (SD ÷ mean) of appointments per closed episode."
        ),
        "cost_mean": Column("Mean cost per episode (£)", M, "Mean cost of a closed episode."),
        "cost_median": Column("Median cost per episode (£)", M, "Median cost of a closed episode."),
        "cost_iqr": Column("Cost IQR (£)", M, "Interquartile range of the cost of a closed episode."),
        "cost_cv": Column(
            "Cost CV", R, "Coefficient of variation (SD ÷ mean) of the cost of a closed episode."
        ),
        "indicative_price": Column(
            "Indicative price per episode (£)",
            M,
            "Expected appointments of the grouping × the reference contact cost.",
        ),
        "variance": Column("Variance (£)", M, "Mean cost per closed episode minus the indicative price."),
        "eta_squared": Column(
            "Eta squared",
            R,
            "Share of the variance in cost per episode that the grouping explains (0 to 1), ungrouped left out.",
        ),
    },
    "outcomes": {
        "period": _PERIOD,
        "scope_kind": Column("Scope", T, "Commissioner (ICB) or provider."),
        "scope_code": Column("Organisation code", T, "ODS code of the ICB or provider."),
        "grouping": _GROUPING,
        "grouping_name": _GROUPING_NAME,
        "closed_episodes": Column(
            "Closed episodes", C, "Episodes of care of the grouping closed in the month."
        ),
        "episodes_with_pair": Column(
            "Episodes with a pair", C, "Closed episodes with at least one paired score (first and latest)."
        ),
        "measure": Column("Measure", T, "The outcome measure."),
        "informant": Column("Informant", T, "Who completed the measure."),
        "scale": Column("Scale", T, "The scale of the measure."),
        "pairs": Column("Pairs", C, "Paired scores (first and latest) of the scale."),
        "classified": Column(
            "Classified", C, "Pairs with a change threshold, classified by reliable change."
        ),
        "improved": Column("Reliably improved", C, "Classified pairs that reliably improved."),
        "no_change": Column("No reliable change", C, "Classified pairs with no reliable change."),
        "deteriorated": Column("Reliably deteriorated", C, "Classified pairs that reliably deteriorated."),
        "recovered": Column(
            "Recovered", C, "Classified pairs that moved from above to below the caseness cut-off."
        ),
        "paired_share": Column("Paired (%)", P, "Episodes with a pair as a percentage of closed episodes."),
        "improved_share": Column("Improved (%)", P, "Reliably improved as a percentage of classified pairs."),
        "no_change_share": Column(
            "No change (%)", P, "No reliable change as a percentage of classified pairs."
        ),
        "deteriorated_share": Column(
            "Deteriorated (%)", P, "Reliably deteriorated as a percentage of classified pairs."
        ),
        "recovered_share": Column("Recovered (%)", P, "Recovered as a percentage of classified pairs."),
    },
}

SUMMARY_COLUMNS: dict[str, Column] = {
    "provider_code": Column("Provider", T, "The provider (NHS trust), with its ODS code."),
    "figure": Column("Figure", T, "The headline figure."),
    "this_month": Column("This month", C, "The figure in the report month."),
    "last_month": Column("Last month", C, "The figure in the month before."),
    "change_on_last_month": Column("Change on last month", C, "This month minus last month."),
    "change_on_last_month_share": Column(
        "Change on last month (%)", P, "The change on last month in per cent of last month."
    ),
    "same_month_last_year": Column("Same month last year", C, "The figure in the same month a year before."),
    "change_on_last_year": Column("Change on last year", C, "This month minus the same month a year before."),
    "change_on_last_year_share": Column(
        "Change on last year (%)", P, "The change on the same month last year in per cent of it."
    ),
    # A month's cost per open episode is tens of pounds: its pence matter beside a variance of a few pounds.
    "cost_per_open_episode": Column(
        "Cost per open episode (£)", Kind.MONEY_PENCE, "Cost divided by the episodes open at month end."
    ),
    "mean_cost_per_open_episode": Column(
        "Mean of the teams shown (£)",
        Kind.MONEY_PENCE,
        "Cost of all the teams shown divided by their episodes open at month end.",
    ),
    "variance": Column(
        "Variance (£)",
        Kind.MONEY_PENCE,
        "Cost per episode minus what it is compared with (the mean, or the indicative price).",
    ),
    "variance_share": Column(
        "Variance (%)", P, "The variance in per cent of what the cost is compared with."
    ),
}
"""Headings of the summary views' own columns (reports.summaries); their other columns are the report's."""


def summary_column(report: str, column: str) -> Column:
    """The words, kind and meaning of a column of one of a report's summary views."""
    return SUMMARY_COLUMNS.get(column) or column_of(report, column)


CODES: Mapping[str, Mapping[str, str]] = {
    "gender": dict(Gender.choices),
    "grouping": {UNGROUPED: UNGROUPED_MEANING},
    "informant": dict(Informant.choices),
    "measure": {code: spec.label for code, spec in MEASURES.items()},
    "scope_kind": dict(ScopeKind.choices),
}
"""The meaning of a coded value, by column: shown on pages and in files instead of the code."""


_SUMMARY_CODES: Mapping[str, Mapping[str, str]] = {
    "figure": {figure: COLUMNS["casemix"][figure].heading for figure in COLUMNS["casemix"]},
}
"""The meaning of a coded value of a summary view's own column (a headline's figure)."""


def column_of(report: str, column: str) -> Column:
    """The words, kind and meaning of one column of a report."""
    try:
        return COLUMNS[report][column]
    except KeyError:
        raise LookupError(f"The {report} report has no heading for its column {column!r}.") from None


def headings(report: str, columns: Sequence[str]) -> list[str]:
    """The headings in words of a report's columns."""
    return [column_of(report, column).heading for column in columns]


def meaning_of(column: str, value: Cell) -> Cell:
    """A coded value's meaning (gender 2 -> Female, UNGROUPED -> Not grouped); any other value as it is."""
    if isinstance(value, str):
        return (CODES.get(column) or _SUMMARY_CODES.get(column) or {}).get(value, value)
    return value


def scale_name(measure_code: Cell, scale: Cell) -> Cell:
    """A measure's scale in words (the measure registry's label: "total_difficulties" -> "Total
    difficulties"); a scale of a measure the registry does not know, as it is."""
    spec = MEASURES.get(str(measure_code)) if measure_code else None
    if spec is None or not isinstance(scale, str) or not scale:
        return scale
    return spec.scale_label(scale)


def _row_meanings(columns: Sequence[str], row: Sequence[Cell]) -> list[Cell]:
    """Each cell's meaning; a scale's read with the measure of its row (the same code names different scales
    in different measures: HoNOSCA's "total" is "Total (15 scales)")."""
    cells = dict(zip(columns, row, strict=True))
    return [
        scale_name(cells.get("measure"), value) if column == "scale" else meaning_of(column, value)
        for column, value in cells.items()
    ]


def shown(report: str, columns: Sequence[str], row: Sequence[Cell]) -> list[str]:
    """A row of a report as a person reads it: codes with their meaning, figures written as their kind."""
    return [
        figure(meaning, column_of(report, column).kind) if value not in (None, "") else ""
        for column, value, meaning in zip(columns, row, _row_meanings(columns, row), strict=True)
    ]


def readable(columns: Sequence[str], row: Sequence[Cell]) -> list[Cell]:
    """A row with codes replaced by their meanings and figures left as numbers (for a spreadsheet)."""
    return _row_meanings(columns, row)


def definitions(report: str, columns: Sequence[str]) -> list[list[str]]:
    """The data dictionary of a report: per CSV column its heading in words, its kind and its meaning."""
    return [
        [column, entry.heading, entry.kind.value, entry.meaning]
        for column in columns
        for entry in [column_of(report, column)]
    ]
