"""Reads of report runs and their stored rows; what a commissioner sees is disclosed here (SPEC §7)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from accounts.models import Provider, User
from camhs_pbr.lib.numbers import Kind, figure
from groupings.selectors import current_rules_version
from reports import access, charts, headings
from reports.disclosure import disclose_frame, disclose_with_total, with_total_row
from reports.exports import Cell, plain_rows
from reports.kinds import kind_of
from reports.models import HEADLINE, ReportPack, ReportRow, ReportRun, ScopeKind
from reports.periods import Month
from reports.summaries import Summary, disclosed

# pandas (and the pyarrow it loads) is imported where frames are built: every process loads this module, few
# build one (tests/test_startup_imports.py).
if TYPE_CHECKING:
    import pandas as pd


def stored_frame(run: ReportRun, table: str = "", columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The run's stored raw rows in the report's column order (or another stored `table` of the run, with its
    `columns`)."""
    import pandas as pd

    columns = list(columns or kind_of(run.report).columns)
    values = (
        ReportRow.objects.filter(run=run, table=table).order_by("position").values_list("values", flat=True)
    )
    return pd.DataFrame.from_records(list(values), columns=columns)


def summaries_for(user: User, run: ReportRun) -> list[Summary]:
    """The report's summary views for `user`: from the raw rows `user` may see (and the run's stored headline,
    where the user sees the whole scope), each disclosure-controlled at its own level for a commissioner
    (reports.summaries); none for a report without them."""
    kind = kind_of(run.report)
    if kind.summarise is None:
        return []
    headline = None
    if kind.headline is not None:
        # A headline of a team's figures is the user's teams' alone, as their rows are.
        headline = access.rows_for(user, stored_frame(run, HEADLINE, kind.headline_columns))
    views = kind.summarise(access.rows_for(user, stored_frame(run)), headline)
    if run.scope_kind == ScopeKind.COMMISSIONER:
        return [disclosed(view) for view in views]
    return views


def summary_tables(user: User, run: ReportRun) -> list[dict[str, object]]:
    """The report's summary views for `user` (summaries_for) as the page shows them: headings in words, codes
    with their meaning (a provider by its name and code), figures written as their kind, figures on the
    right."""
    report, views = run.report, summaries_for(user, run)
    codes = {
        str(code) for view in views if "provider_code" in view.columns for code in view.frame["provider_code"]
    }
    providers = {
        code: f"{name} ({code})"
        for code, name in Provider.objects.filter(code__in=codes).values_list("code", "name")
    }
    tables = []
    for view in views:
        columns = view.columns
        kinds = [
            Kind.COUNT if column in view.headings else headings.summary_column(report, column).kind
            for column in columns
        ]
        right = [kind != Kind.TEXT for kind in kinds]
        words = [
            view.headings.get(column) or headings.summary_column(report, column).heading for column in columns
        ]
        rows = [
            [
                (_summary_cell(column, value, kind, providers), r)
                for column, value, kind, r in zip(columns, row, kinds, right, strict=True)
            ]
            for row in plain_rows(view.frame)
        ]
        tables.append(
            {
                "name": view.name,
                "title": view.title,
                "note": view.note,
                "headings": list(zip(words, right, strict=True)),
                "rows": rows,
                "wide": len(columns) > 5,
            }
        )
    return tables


def _summary_cell(column: str, value: Cell, kind: Kind, providers: dict[str, str]) -> str:
    if value in (None, ""):
        return ""
    if column == "provider_code":
        return providers.get(str(value), str(value))
    return figure(headings.meaning_of(column, value), kind)


def published_frame(run: ReportRun) -> pd.DataFrame:
    """The run's rows as published for its scope: disclosure control for a commissioner, raw for a provider."""
    frame = stored_frame(run)
    if run.scope_kind == ScopeKind.COMMISSIONER:
        return disclose_frame(frame, kind_of(run.report).disclosure)
    return frame


def run_of(report: str, month: Month, scope_kind: str, scope_code: str) -> ReportRun | None:
    """The run of a report for a month and scope under the current rules version, if there is one."""
    return (
        ReportRun.objects.filter(
            report=report,
            period=month.first,
            scope_kind=scope_kind,
            scope_code=scope_code,
            rules_version=current_rules_version(),
        )
        .select_related("requested_by", "rules_version")
        .first()
    )


def _visible(user: User | None, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows `user` may see; with no user, the whole scope's (as its commissioner or service manager sees
    it, for the scope's monthly pack)."""
    return frame if user is None else access.rows_for(user, frame)


def download_frame(user: User, run: ReportRun) -> pd.DataFrame:
    """What `user` downloads of a run: published for its scope, only the rows the user may see."""
    return access.rows_for(user, published_frame(run))


@dataclass(frozen=True)
class PageTable:
    columns: list[str]
    rows: list[list[Cell]]
    total: list[Cell]


def page_table(user: User | None, run: ReportRun) -> PageTable:
    """The run's table for the page: the rows `user` may see (the whole scope's without a user), and their
    total computed from raw values and then disclosed like every other figure of the scope."""
    rows = plain_rows(_with_total(user, run))
    return PageTable(list(kind_of(run.report).columns), rows[:-1], rows[-1])


def _with_total(user: User | None, run: ReportRun) -> pd.DataFrame:
    """The rows of the run `user` may see, as published for its scope, with their Total row last."""
    kind = kind_of(run.report)
    raw = _visible(user, stored_frame(run))
    label_column = kind.columns[0]
    if run.scope_kind == ScopeKind.COMMISSIONER:
        return disclose_with_total(raw, kind.disclosure, label_column=label_column, totals=kind.totals)
    return with_total_row(raw, kind.disclosure, label_column=label_column, totals=kind.totals)


@dataclass(frozen=True)
class TrendPoint:
    month: Month
    value: object  # a figure, "*" when disclosure control hides it, None without a finished run


@dataclass(frozen=True)
class TrendView:
    label: str
    points: list[TrendPoint]


def trend(user: User | None, report: str, month: Month, scope_kind: str, scope_code: str) -> TrendView:
    """The report's headline figure over the 12 months to `month`, from the finished runs of the scope: each
    month's figure is the Total of the trend's column on that month's page for `user`."""
    kind = kind_of(report)
    spec, column = kind.trend, kind.columns.index(kind.trend.column)
    months = month.trailing(12)
    runs = {
        run.period: run
        for run in ReportRun.objects.filter(
            report=report,
            scope_kind=scope_kind,
            scope_code=scope_code,
            rules_version=current_rules_version(),
            period__gte=months[0].first,
            period__lte=month.first,
            data_as_of__isnull=False,  # the last good result, even while it runs again
        )
    }
    points = []
    for each in months:
        run = runs.get(each.first)
        value: object = None
        if run is not None:
            value = plain_rows(_with_total(user, run).tail(1))[0][column]
        points.append(TrendPoint(each, value))
    return TrendView(spec.label, points)


@dataclass(frozen=True)
class SpreadView:
    bars: list[tuple[str, float | None]]  # (grouping code, mean cost per closed episode)
    eta_squared: float | None


def spread(user: User | None, run: ReportRun) -> SpreadView | None:
    """The run's spread (bars) and eta squared from the rows `user` may see, for a report kind drawn as a
    spread (the currency quality)."""
    kind = kind_of(run.report)
    if kind.spread is None:
        return None
    bars, eta_squared = kind.spread(_visible(user, stored_frame(run)))
    return SpreadView(bars, eta_squared)


def report_charts(
    report: str, scope: str, month: Month, trend: TrendView, spread: SpreadView | None
) -> list[charts.ChartSpec]:
    """The charts of a report's month for one scope (`scope` in words): its trend over 12 months and, for a
    report drawn as a spread, the spread. The page, the XLSX and the PDF pack show these."""
    kind = kind_of(report)
    months = month.trailing(12)
    built = [
        charts.trend_chart(
            key=f"trend-{report}",
            title=f"{trend.label}, month by month",
            when=f"{kind.label}, {scope}, {months[0].first:%b %Y} to {month.first:%b %Y}",
            series={trend.label: [(point.month.first, point.value) for point in trend.points]},
            kind=headings.column_of(report, kind.trend.column).kind,
            unit=kind.trend.unit,
        )
    ]
    if spread is not None:
        built.append(
            charts.bar_chart(
                key=f"spread-{report}",
                title="Mean cost per closed episode by grouping",
                when=f"{kind.label}, {scope}, episodes closed in the 12 months to {month.first:%B %Y}",
                bars=[(str(headings.meaning_of("grouping", label)), value) for label, value in spread.bars],
                value_label="Mean cost per closed episode",
                kind=Kind.MONEY,
                category_label="Grouping",
            )
        )
    return built


def packs_for(user: User, limit: int = 12) -> list[ReportPack]:
    """The made monthly packs `user` may download, newest first (without their PDF bytes)."""
    packs = []
    rules_version = current_rules_version()
    for scope in access.scopes_of(user):
        if not access.may_see_pack(user, scope.kind, scope.code):
            continue
        packs += list(
            ReportPack.objects.filter(
                scope_kind=scope.kind,
                scope_code=scope.code,
                made_at__isnull=False,
                rules_version=rules_version,
            )
            .defer("pdf")
            .order_by("-period")[:limit]
        )
    return sorted(packs, key=lambda pack: (-pack.period.toordinal(), pack.scope_kind, pack.scope_code))


def pack_of(scope_kind: str, scope_code: str, month: Month) -> ReportPack | None:
    """The made monthly pack of a scope and month under the current rules version, if there is one."""
    return ReportPack.objects.filter(
        scope_kind=scope_kind,
        scope_code=scope_code,
        period=month.first,
        rules_version=current_rules_version(),
        made_at__isnull=False,
    ).first()
