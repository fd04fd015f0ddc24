"""The managers' dashboard tabs keep their figures in the cache (camhs_pbr.figures_cache), like the re-grouping
page: under the teams in the manager's scope (two managers with the same teams see the same cases), the
filters, today, the names the figures show and a stamp of every table a figure reads.

The stamp changes with a new or changed case (discharge, reopening), a new patient, contact, Current View,
suggestion, allocation, outcome score (a correction scores again), reopening, grouping, unit cost or reference
contact cost, and with any change made in the admin (renamed teams and clinicians, corrected patient details:
the admin is where rows are edited in place), so a figure changes on the next request after such a write.
"""

from collections.abc import Callable
from typing import Any

from accounts.audit import Action, AuditEvent
from accounts.models import Team
from assessments.models import Case, CaseReopening, Contact, CurrentView, MeasureScore, Patient
from camhs_pbr.figures_cache import Cached, cached, stamp
from camhs_pbr.lib.db import without_jit
from groupings.models import Allocation, Grouping, Suggestion
from reports.dashboard_panels import Context
from reports.models import ReferenceContactCost, UnitCost

CACHE_SECONDS = 600
ADMIN_CHANGES = (Action.ADMIN_ADD, Action.ADMIN_CHANGE, Action.ADMIN_DELETE)


def data_stamp() -> tuple:
    """The latest of everything a dashboard figure reads (one query)."""
    return stamp(
        (Case.objects.all(), "updated_at"),
        (Case.objects.all(), "pk"),
        (Patient.objects.all(), "pk"),
        (Contact.objects.all(), "pk"),
        (CurrentView.objects.all(), "pk"),
        (Suggestion.objects.all(), "pk"),
        (Allocation.objects.all(), "pk"),
        (MeasureScore.objects.all(), "pk"),
        (CaseReopening.objects.all(), "pk"),
        (Grouping.objects.all(), "pk"),
        (UnitCost.objects.all(), "pk"),
        (ReferenceContactCost.objects.all(), "pk"),
        (AuditEvent.objects.filter(action__in=ADMIN_CHANGES), "pk"),
    )


def tab_figures(tab: str, ctx: Context, figures: Callable[[Context], dict[str, Any]]) -> Cached[dict]:
    """`figures(ctx)` of a dashboard tab, from the cache when nothing they count has changed."""
    teams = sorted(Team.objects.in_scope_of(ctx.user).values_list("pk", "name"))
    key = (tab, teams, sorted(ctx.filters.query().items()), ctx.today.isoformat(), data_stamp())

    def compute() -> dict[str, Any]:
        with without_jit():
            return figures(ctx)

    return cached(f"reports.dashboard.{tab}", key, compute, CACHE_SECONDS)
