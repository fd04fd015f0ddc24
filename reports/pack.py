"""The monthly PDF pack of one commissioner (ICB) or provider: a cover (scope, period, rules version, data as
of), the headline figures, one page per report (its charts and its table, as the scope's pages show them), the
definitions and, for a commissioner, the disclosure note. Drawn by WeasyPrint with Debian's DejaVu fonts.

The same month and scope always give the same bytes: the PDF's dates are the data's as-of time, not the
time it was made. A commissioner's pack holds only disclosure-controlled aggregates (SPEC §7).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Commissioner, Provider
from camhs_pbr.lib import vega
from camhs_pbr.lib.numbers import figure
from groupings.models import RulesVersion
from groupings.selectors import current_rules_version, groupings_of
from reports import headings, selectors
from reports.charts import ChartSpec
from reports.kinds import KINDS, ReportKind, kind_of
from reports.models import ReportRun, ScopeKind
from reports.periods import Month

DISCLOSURE_NOTE = (
    "Every figure in this pack is disclosure-controlled: a count of 0 stays 0, counts of 1 to 7 "
    "show as *, every other count is rounded to the nearest 5; a mean, cost per case or percentage resting "
    "on 1 to 7 cases shows as *. Totals are computed from the unrounded figures and then rounded, so a total "
    "need not equal the sum of the rounded figures above it. No figure identifies a person."
)


@dataclass(frozen=True)
class PackScope:
    kind: str
    code: str
    name: str

    @property
    def words(self) -> str:
        return f"{self.name} ({self.code})"


def scope_of(scope_kind: str, scope_code: str) -> PackScope:
    """The commissioner or provider of a pack; LookupError in words when there is none."""
    model = Commissioner if scope_kind == ScopeKind.COMMISSIONER else Provider
    found = model.objects.filter(code=scope_code).first()
    if found is None:
        raise LookupError(f"No {scope_kind} has the code {scope_code!r}.")
    return PackScope(scope_kind, found.code, found.name)


def kinds_for(scope_kind: str) -> list[ReportKind]:
    """The reports run for a scope kind, in the registry's order (test-only kinds left out)."""
    return [kind for kind in KINDS.values() if scope_kind in kind.scope_kinds and kind.report in _PACKED]


_PACKED = ("casemix", "cost", "currency", "outcomes")


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    report: str


def headline_figures(runs: list[ReportRun]) -> list[Headline]:
    """The pack's headline figures: each report's trend figure (the Total row of its trend column) for the
    month, as the scope's pages show it. The one place that decides them (to be switched to the summary
    views when they exist)."""
    headlines = []
    for run in runs:
        kind = kind_of(run.report)
        table = selectors.page_table(None, run)
        column = table.columns.index(kind.trend.column)
        written = figure(table.total[column], headings.column_of(run.report, kind.trend.column).kind)
        headlines.append(Headline(kind.trend.label, written, kind.label))
    return headlines


@dataclass(frozen=True)
class ReportPage:
    kind: ReportKind
    run: ReportRun | None
    charts: list[tuple[ChartSpec, SafeString | None]]
    headings: list[tuple[str, bool]]
    rows: list[list[tuple[str, bool]]]
    total: list[tuple[str, bool]]
    definitions: list[list[str]]


def _report_page(kind: ReportKind, scope: PackScope, month: Month) -> ReportPage:
    run = selectors.run_of(kind.report, month, scope.kind, scope.code)
    definitions = headings.definitions(kind.report, list(kind.columns))
    if run is None or not run.has_result:
        return ReportPage(kind, None, [], [], [], [], definitions)
    trend = selectors.trend(None, kind.report, month, scope.kind, scope.code)
    charts = selectors.report_charts(kind.report, scope.words, month, trend, selectors.spread(None, run))
    drawn = [
        (
            chart,
            None
            if chart.spec is None
            else mark_safe(vega.inline_svg(chart.spec, label=chart.summary, prefix=chart.key)),  # noqa: S308
        )
        for chart in charts
    ]
    table = selectors.page_table(None, run)
    right = [headings.column_of(kind.report, column).kind != "text" for column in table.columns]

    def cells(row: list[str]) -> list[tuple[str, bool]]:
        return list(zip(row, right, strict=True))

    return ReportPage(
        kind,
        run,
        drawn,
        cells(headings.headings(kind.report, table.columns)),
        [cells(headings.shown(kind.report, table.columns, row)) for row in table.rows],
        cells(headings.shown(kind.report, table.columns, table.total)),
        definitions,
    )


def pack_html(scope_kind: str, scope_code: str, month: Month) -> str:
    """The pack as HTML for WeasyPrint (and for a look in a browser)."""
    scope = scope_of(scope_kind, scope_code)
    rules_version: RulesVersion = current_rules_version()
    pages = [_report_page(kind, scope, month) for kind in kinds_for(scope_kind)]
    done = [page.run for page in pages if page.run is not None]
    as_of = max((run.data_as_of for run in done if run.data_as_of), default=None)
    context = {
        "scope": scope,
        "commissioner": scope_kind == ScopeKind.COMMISSIONER,
        "month": month,
        "month_words": f"{month.first:%B %Y}",
        "rules_version": rules_version,
        "as_of": timezone.localtime(as_of) if as_of else None,
        "created": _pdf_date(as_of, month),
        "headlines": headline_figures(done),
        "pages": pages,
        "groupings": list(groupings_of(rules_version).order_by("code").values_list("code", "name")),
        "disclosure_note": DISCLOSURE_NOTE,
        "ungrouped": headings.UNGROUPED_MEANING,
    }
    return render_to_string("reports/pack.html", context)


def _pdf_date(as_of: dt.datetime | None, month: Month) -> str:
    """The PDF's creation date: the data's as-of time (the month's end without data), so the same data
    always gives the same bytes."""
    moment = as_of or dt.datetime.combine(month.last, dt.time(23, 59), tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def pack_pdf(scope_kind: str, scope_code: str, month: Month) -> bytes:
    """The pack as PDF bytes."""
    import weasyprint

    return bytes(weasyprint.HTML(string=pack_html(scope_kind, scope_code, month)).write_pdf())


def file_name(scope_kind: str, scope_code: str, month: Month) -> str:
    return f"pack-{scope_kind}-{scope_code}-{month.label()}.pdf"
