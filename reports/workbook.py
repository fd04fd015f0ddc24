"""The XLSX file of a report run for one user: the page's table (rows and total) with a title block, headings
in words, number formats and the report's data dictionary on a Definitions sheet. The CSV stays as machines
read it (reports.exports.csv_lines)."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from reports import headings, selectors
from reports.access import Offer
from reports.exports import Layout, xlsx_bytes
from reports.models import ReportRun


def report_xlsx(user: User, run: ReportRun, offer: Offer) -> bytes:
    """The run's XLSX as `user` may see it: the rows and total row of the page, in words and formats."""
    table = selectors.page_table(user, run)
    columns = table.columns
    as_of = timezone.localtime(run.data_as_of).strftime("%d/%m/%Y %H:%M") if run.data_as_of else ""
    layout = Layout(
        title_block=[
            ("Report", offer.kind.label),
            ("Scope", f"{offer.scope.name} ({offer.scope.code})"),
            ("Period", run.period.strftime("%Y-%m")),
            ("Rules version", run.rules_version.label),
            ("Data as of", as_of),
        ],
        headings=headings.headings(run.report, columns),
        kinds=[headings.column_of(run.report, column).kind for column in columns],
        total=headings.readable(columns, table.total),
        definitions=headings.definitions(run.report, columns),
    )
    rows = [headings.readable(columns, row) for row in table.rows]
    return xlsx_bytes(columns, rows, title=offer.kind.label, layout=layout)
