"""The XLSX file of a report run: its rows (and the page's total row) with a title block, headings in words,
number formats, the page's charts as images on a Charts sheet and the report's data dictionary on a
Definitions sheet. The CSV stays as machines read it
(reports.exports.csv_lines)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from accounts.models import User
from camhs_pbr.lib import vega
from reports import headings, selectors
from reports.access import Offer
from reports.exports import Cell, Layout, xlsx_bytes
from reports.kinds import kind_of
from reports.models import ReportRun
from reports.periods import Month


def report_xlsx(user: User, run: ReportRun, offer: Offer) -> bytes:
    """The run's XLSX as `user` may see it: the rows and total row of the page, in words and formats."""
    table = selectors.page_table(user, run)
    scope = f"{offer.scope.name} ({offer.scope.code})"
    month = Month.containing(run.period)
    trend = selectors.trend(user, run.report, month, run.scope_kind, run.scope_code)
    charts = selectors.report_charts(run.report, scope, month, trend, selectors.spread(user, run))
    images = [(chart.summary, vega.png_of(chart.spec)) for chart in charts if chart.spec is not None]
    return run_xlsx(run, scope, table.columns, table.rows, total=table.total, charts=images)


def run_xlsx(
    run: ReportRun,
    scope: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    total: Sequence[Cell] | None = None,
    charts: Sequence[tuple[str, bytes]] = (),
) -> bytes:
    """The XLSX of a run's published rows: title block, headings in words, codes as their meanings, numbers
    in their kind's format, the total row if given and a Definitions sheet."""
    label = kind_of(run.report).label
    as_of = timezone.localtime(run.data_as_of).strftime("%d/%m/%Y %H:%M") if run.data_as_of else ""
    layout = Layout(
        title_block=[
            ("Report", label),
            ("Scope", scope),
            ("Period", run.period.strftime("%Y-%m")),
            ("Rules version", run.rules_version.label),
            ("Data as of", as_of),
        ],
        headings=headings.headings(run.report, columns),
        kinds=[headings.column_of(run.report, column).kind for column in columns],
        total=None if total is None else headings.readable(columns, total),
        definitions=headings.definitions(run.report, columns),
        charts=charts,
    )
    readable = [headings.readable(columns, row) for row in rows]
    return xlsx_bytes(columns, readable, title=label, layout=layout)
