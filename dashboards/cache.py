"""The managers' dashboard tabs keep their panels, counted and drawn, in the cache (camhs_pbr.figures_cache.latest),
like the re-grouping page keeps its figures: under the teams in the manager's scope (two managers with the same
teams see the same cases), the tab, the filters and the names the figures show.

A tab counted under an older stamp of the data is shown at once, said to be stale, while a Celery worker counts
it again (dashboards.tasks.recount_dashboard_tab); only the first reader of a question ever waits for the count.

The figures are stale on a new day (reviews fall due) and when the stamp of the data changes: with a new or
changed case (discharge, reopening), a new patient, contact, Current View, suggestion, allocation, outcome score
(a correction scores again), reopening, grouping, unit cost or reference contact cost, and with any change made
in the admin (renamed teams and clinicians, corrected patient details: the admin is where rows are edited in
place).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from celery import Task
from django.template.loader import render_to_string

from accounts.models import Team
from assessments.models import (
    CaseReopening,
    Contact,
    ContactVersion,
    CurrentView,
    CurrentViewVersion,
    MeasureScore,
)
from assessments.selectors import caseload_sources
from camhs_pbr import queueing
from camhs_pbr.figures_cache import Cached, kept_ids, latest, stamp, store
from camhs_pbr.lib.db import without_jit
from dashboards import data_quality
from dashboards import panels as dashboard_panels
from dashboards.case_sets import CaseSet
from dashboards.figures import Table
from dashboards.panels import Context, Panel
from groupings.models import Allocation, Grouping, Suggestion
from reports.models import ReferenceContactCost, UnitCost

# Kept a day after their last count: a tab nobody opens for a day is counted afresh when opened.
CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class Drawn:
    """A tab's panels as HTML, and the tables its CSV downloads read."""

    html: str
    tables: dict[str, Table]


@dataclass(frozen=True)
class Tab:
    figures: Callable[[Context], dict[str, Any]]
    template: str
    present: Callable[[dict[str, Any], Context], dict[str, Any]] = lambda figures, ctx: figures


TABS = {
    "dashboard": Tab(dashboard_panels.everything, "dashboards/_dashboard_panels.html"),
    "data-quality": Tab(
        lambda ctx: data_quality.figures(ctx.cases, ctx.today),
        "dashboards/_dashboard_quality_panels.html",
        lambda figures, ctx: data_quality.presented(figures, ctx.today, ctx.query_string()),
    ),
}


def data_stamp() -> tuple:
    """The latest of everything a dashboard figure reads (one query): what decides the caseload (cases,
    patients, admin changes) and the records counted about them (a correction, made in place, adds a version)."""
    return stamp(
        *caseload_sources(),
        (Contact.objects.all(), "pk"),
        (ContactVersion.objects.all(), "pk"),
        (CurrentView.objects.all(), "pk"),
        (CurrentViewVersion.objects.all(), "pk"),
        (Suggestion.objects.all(), "pk"),
        (Allocation.objects.all(), "pk"),
        (MeasureScore.objects.all(), "pk"),
        (CaseReopening.objects.all(), "pk"),
        (Grouping.objects.all(), "pk"),
        (UnitCost.objects.all(), "pk"),
        (ReferenceContactCost.objects.all(), "pk"),
    )


def drawn_tab(name: str, ctx: Context, recount_task: Task) -> Cached[Drawn]:
    """The tab `name` for `ctx`: from the cache (stale while `recount_task` counts it again on a worker), or
    counted now. The task is dashboards.tasks.recount_dashboard_tab (passed in: that module imports this one)."""
    return latest(
        f"reports.dashboard.{name}",
        _key(name, ctx),
        _stamp(ctx),
        compute=lambda: draw(name, ctx),
        recount=lambda: queueing.publish(
            recount_task, name, ctx.user.pk, ctx.filters.query(), ctx.today.isoformat()
        ),
        seconds=CACHE_SECONDS,
    )


def case_set_ids(case_set: CaseSet, ctx: Context) -> list[int]:
    """The ids of a drill-down list's cases in the list's order (by name), kept under the teams in scope, the
    filters and the tab's stamp (so the list changes with the first change to what it selects): a list of a
    whole service is a scan of every open case and a sort, on each page otherwise."""
    ordered = case_set.select(ctx.cases, ctx.today).order_by(
        "patient__family_name", "patient__given_name", "pk"
    )
    key = (_key(case_set.slug, ctx), _stamp(ctx))
    return kept_ids("reports.dashboard.cases", key, ordered.values_list("pk", flat=True), CACHE_SECONDS)


def recount(name: str, ctx: Context) -> None:
    """Count and draw the tab again and keep it under the data's stamp as it was before counting."""
    before = _stamp(ctx)
    store(f"reports.dashboard.{name}", _key(name, ctx), before, draw(name, ctx), CACHE_SECONDS)


def draw(name: str, ctx: Context) -> Drawn:
    tab = TABS[name]
    with without_jit():
        figures = tab.figures(ctx)
    context = {"filters": ctx.filters, "query": ctx.query_string(), **tab.present(figures, ctx)}
    return Drawn(
        html=render_to_string(tab.template, context),
        tables={panel.table.slug: panel.table for panel in figures.values() if isinstance(panel, Panel)},
    )


def _key(name: str, ctx: Context) -> tuple:
    teams = sorted(Team.objects.in_scope_of(ctx.user).values_list("pk", "name"))
    return (name, teams, sorted(ctx.filters.query().items()))


def _stamp(ctx: Context) -> tuple:
    """What makes kept figures stale: a change in the data, or a new day (reviews fall due, months turn)."""
    return (ctx.today.isoformat(), *data_stamp())
