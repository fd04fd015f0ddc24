"""The manager dashboard (issue 16): the page, its htmx partial, the drill-down lists and CSV downloads.

Each reads `dashboards.cases.dashboard_cases` under the filters of the GET parameters; a filter outside the
manager's scope is a form error, and then no figure is shown.
"""

import datetime as dt
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from accounts.access import AuthenticatedRequest, manager_page
from accounts.audit import Action, record
from accounts.models import User
from assessments.models import Case
from dashboards import cache as dashboard_cache
from dashboards import case_sets, tasks
from dashboards import panels as dashboard_panels
from dashboards.forms import DashboardFilterForm
from groupings.selectors import with_current_grouping
from reports.exports import csv_lines

PAGE_SIZE = 50


def _form(request: AuthenticatedRequest) -> DashboardFilterForm:
    return DashboardFilterForm(request.GET, user=request.user, today=timezone.localdate())


def _partial_only(request: AuthenticatedRequest) -> bool:
    """An htmx request from the filter form gets the panels alone; a history restore gets the whole page."""
    htmx: Any = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def _dashboard_page(request: AuthenticatedRequest, tab: str) -> HttpResponse:
    """A dashboard tab: the filter form, and its panels (alone for an htmx request from the form). The
    panels come from the cache, counted and drawn, even while a worker counts them again after a change
    (dashboards.cache)."""
    form = _form(request)
    context: dict[str, Any] = {"form": form, "tab": tab}
    if form.is_valid():
        ctx = dashboard_panels.context_for(request.user, form.filters(), form.today)
        kept = dashboard_cache.drawn_tab(tab, ctx, tasks.recount_dashboard_tab)
        context.update(filters=ctx.filters, query=ctx.query_string(), panels_html=mark_safe(kept.value.html))
        # Figures counted earlier say when, and whether newer records are being counted.
        context["figures_as_of"] = kept.computed_at if kept.from_cache else None
        context["figures_stale"] = kept.stale
        # The review lists name patients: a read of case records, recorded like the caseload.
        record(Action.VIEW_CASELOAD, by=request.user, object_type="reports.dashboard", object_id=tab)
    context["partial"] = _partial_only(request)
    template = "dashboards/_dashboard_tab.html" if context["partial"] else "dashboards/dashboard.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@manager_page
@require_safe
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    return _dashboard_page(request, "dashboard")


@manager_page
@require_safe
def dashboard_quality(request: AuthenticatedRequest) -> HttpResponse:
    return _dashboard_page(request, "data-quality")


@manager_page
@require_safe
def dashboard_cases(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    case_set = case_sets.get(slug)
    if case_set is None:
        raise Http404("There is no such list of cases.")
    form = _form(request)
    context: dict[str, Any] = {"form": form, "case_set": case_set}
    if form.is_valid():
        ctx = dashboard_panels.context_for(request.user, form.filters(), form.today)
        # Counted and sliced on kept case ids (like the caseload): only the page's rows get their columns.
        paginator: Paginator[Any] = Paginator(dashboard_cache.case_set_ids(case_set, ctx), PAGE_SIZE)
        numbered = paginator.get_page(request.GET.get("page"))
        context.update(
            filters=ctx.filters,
            query=ctx.query_string(),
            page=Page(_rows(request.user, list(numbered), ctx.today), numbered.number, paginator),
        )
        record(Action.VIEW_CASELOAD, by=request.user, object_type="reports.case_set", object_id=slug)
    return render(request, "dashboards/dashboard_cases.html", context)


def _rows(user: User, pks: list[int], today: dt.date) -> list[Any]:
    """The cases `pks` (one page of a list), in that order, with their grouping."""
    cases = Case.objects.visible_to(user).filter(pk__in=pks).select_related("patient", "team")
    by_pk = {case.pk: case for case in with_current_grouping(cases, today)}
    return [by_pk[pk] for pk in pks if pk in by_pk]


@manager_page
@require_safe
def dashboard_csv(request: AuthenticatedRequest, table: str) -> HttpResponse:
    if table not in dashboard_panels.PANELS:
        raise Http404("There is no such table on the dashboard.")
    form = _form(request)
    if not form.is_valid():
        problems = " ".join(str(error) for errors in form.errors.values() for error in errors)
        return HttpResponse(problems, status=400, content_type="text/plain; charset=utf-8")
    ctx = dashboard_panels.context_for(request.user, form.filters(), form.today)
    # The table as the dashboard shows it under these filters (from the same cache).
    table_ = dashboard_cache.drawn_tab("dashboard", ctx, tasks.recount_dashboard_tab).value.tables[table]
    if table_.problem and not table_.rows:
        return HttpResponse(table_.problem, status=409, content_type="text/plain; charset=utf-8")
    # A few dozen rows of aggregates: written whole rather than streamed.
    response = HttpResponse("".join(csv_lines(table_.columns, table_.plain_rows())), content_type="text/csv")
    name = f"dashboard-{table}-{ctx.filters.period.text}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    record(Action.EXPORT_REPORT, by=request.user, object_type="reports.dashboard", object_id=table)
    return response
