"""Report pages: the reports a user may open, one report's month with its trend, runs and downloads.

Commissioners see aggregates only, disclosure-controlled (SPEC §7); who sees which scope is reports.access.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.access import AuthenticatedRequest
from accounts.audit import Action, record
from camhs_pbr.lib import vega
from camhs_pbr.lib.numbers import Kind
from camhs_pbr.runs.wording import UNREACHABLE_NOW
from reports import access, headings, selectors, services, workbook
from reports.exports import csv_lines, plain_rows
from reports.kinds import KINDS
from reports.models import ScopeKind
from reports.periods import Month

NO_REPORTS = "Reports are for commissioners and for team and service managers."


def _default_month() -> Month:
    return Month.containing(timezone.localdate()).previous()


def _offer(request: AuthenticatedRequest, report: str, scope_kind: str, scope_code: str) -> access.Offer:
    offer = access.offer_for(request.user, report, scope_kind, scope_code)
    if offer is None:
        raise PermissionDenied("This report is not in your scope.")
    return offer


def _month(request: AuthenticatedRequest) -> tuple[Month, str]:
    """The month asked for (`period=YYYY-MM`), or last month with the reason it was not understood."""
    text = request.GET.get("period") or request.POST.get("period") or ""
    if not text:
        return _default_month(), ""
    try:
        return Month.of(text), ""
    except ValueError as error:
        return _default_month(), str(error)


@login_required
def index(request: AuthenticatedRequest) -> HttpResponse:
    offers = access.offers(request.user)
    if not offers:
        raise PermissionDenied(NO_REPORTS)
    month = _default_month()
    rows = [
        (offer, selectors.run_of(offer.kind.report, month, offer.scope.kind, offer.scope.code))
        for offer in offers
    ]
    return render(
        request,
        "reports/index.html",
        {"rows": rows, "month": month, "packs": selectors.packs_for(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def report(request: AuthenticatedRequest, report: str, scope_kind: str, scope_code: str) -> HttpResponse:
    offer = _offer(request, report, scope_kind, scope_code)
    month, problem = _month(request)
    if request.method == "POST":
        if problem:
            messages.error(request, problem)
        else:
            requested = services.request_run(
                report=report, month=month, scope_kind=scope_kind, scope_code=scope_code, by=request.user
            )
            what = f"{offer.kind.label} for {month.label()}"
            if requested.refused_at:
                messages.warning(request, f"{what} is queued but not yet sent. {UNREACHABLE_NOW}")
            else:
                messages.success(request, f"{what} queued.")
        return redirect(f"{request.path}?period={month.label()}")
    if problem:
        messages.error(request, problem)
    run = selectors.run_of(report, month, scope_kind, scope_code)
    table = selectors.page_table(request.user, run) if run and run.has_result else None
    shown = None
    if table:
        # Figures line up on the right, as in a spreadsheet; text on the left.
        right = [headings.column_of(report, column).kind != Kind.TEXT for column in table.columns]
        shown = {
            "headings": list(zip(headings.headings(report, table.columns), right, strict=True)),
            "rows": [
                list(zip(headings.shown(report, table.columns, row), right, strict=True))
                for row in table.rows
            ],
            "total": list(zip(headings.shown(report, table.columns, table.total), right, strict=True)),
        }
    summary_tables = selectors.summary_tables(request.user, run) if run and run.has_result else []
    trend = selectors.trend(request.user, report, month, scope_kind, scope_code)
    spread = selectors.spread(request.user, run) if run and run.has_result else None
    scope_words = f"{offer.scope.name} ({offer.scope.code})"
    charts = selectors.report_charts(report, scope_words, month, trend, spread)
    context = {
        "offer": offer,
        "month": month,
        "run": run,
        "table": table,
        # What this user sees of the run, not the run's whole scope (a team manager sees their teams' rows).
        "row_count": len(table.rows) if table else 0,
        "shown": shown,
        "trend_kind": headings.column_of(report, offer.kind.trend.column).kind,
        "trend": trend,
        "spread": spread,
        "summary_tables": summary_tables,
        # A report with summary views opens on them; its full table is one choice away (no script needed).
        "all_columns": not summary_tables or request.GET.get("columns") == "all",
        "disclosure_note": DISCLOSURE_NOTE if scope_kind == ScopeKind.COMMISSIONER else "",
        "trend_chart": vega.drawn(charts[0]),
        "spread_chart": vega.drawn(charts[1]) if len(charts) > 1 else None,
        "in_progress": bool(run and run.status in ("queued", "running")),
        "downloads": [
            (
                fmt.upper(),
                reverse("reports:download", args=[report, scope_kind, scope_code, month.label(), fmt]),
            )
            for fmt in ("csv", "xlsx")
        ],
    }
    return render(request, "reports/report.html", context)


DISCLOSURE_NOTE = (
    "Each table is disclosure-controlled on its own: counts of 1 to 7 show as *, others are rounded to the "
    "nearest 5, from the unrounded figures of that table; a change is worked out from the published figures."
)


@login_required
def download(
    request: AuthenticatedRequest, report: str, scope_kind: str, scope_code: str, period: str, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    offer = _offer(request, report, scope_kind, scope_code)
    try:
        month = Month.of(period)
    except ValueError as error:
        raise PermissionDenied(str(error)) from error
    run = selectors.run_of(report, month, scope_kind, scope_code)
    if run is None or not run.has_result:
        messages.error(request, f"There is no finished {report} report for {month.label()} to download yet.")
        return redirect(
            f"{reverse('reports:report', args=[report, scope_kind, scope_code])}?period={month.label()}"
        )
    name = f"{report}-{scope_code}-{month.label()}"
    if fmt == "csv":
        frame = selectors.download_frame(request.user, run)
        columns = [str(column) for column in frame.columns]
        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
            csv_lines(columns, plain_rows(frame)), content_type="text/csv"
        )
    else:
        response = HttpResponse(
            workbook.report_xlsx(request.user, run, offer),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    record(Action.EXPORT_REPORT, by=request.user, target=run)
    return response


@login_required
@require_http_methods(["GET"])
def pack(request: AuthenticatedRequest, scope_kind: str, scope_code: str, period: str) -> HttpResponse:
    """A scope's monthly PDF pack, for whoever sees the whole scope (reports.access.may_see_pack)."""
    if not access.may_see_pack(request.user, scope_kind, scope_code):
        raise PermissionDenied("This pack is not in your scope.")
    try:
        month = Month.of(period)
    except ValueError as error:
        raise Http404(str(error)) from error
    made = selectors.pack_of(scope_kind, scope_code, month)
    if made is None:
        raise Http404(f"No pack of {scope_code} for {month.label()} has been made.")
    response = HttpResponse(bytes(made.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="pack-{scope_kind}-{scope_code}-{month.label()}.pdf"'
    )
    record(Action.EXPORT_REPORT, by=request.user, target=made)
    return response


@login_required
def dictionary(request: AuthenticatedRequest) -> HttpResponse:
    """The data dictionary: per report, each CSV column's heading in words, kind and meaning."""
    if not access.offers(request.user):
        raise PermissionDenied(NO_REPORTS)
    reports = [
        (kind, headings.definitions(kind.report, list(kind.columns))) for _, kind in sorted(KINDS.items())
    ]
    summary_columns = [
        (entry.heading, entry.kind.value, entry.meaning) for entry in headings.SUMMARY_COLUMNS.values()
    ]
    return render(
        request,
        "reports/dictionary.html",
        {"reports": reports, "codes": headings.CODES, "summary_columns": summary_columns},
    )
