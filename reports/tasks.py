"""Celery tasks of the monthly reports: thin wrappers around reports.runs, on the run platform."""

import datetime as dt

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from camhs_pbr.runs.tasks import run_task
from reports import dashboard_cache, dashboard_panels, runs
from reports.forms import DashboardFilterForm
from reports.kinds import every_scope
from reports.models import ReportRun
from reports.periods import Month


@run_task(ReportRun)
def run_report(run_id: int) -> str:
    """Execute one report run; redelivered after a lost worker, it replaces the rows in one transaction."""
    return runs.execute_run(run_id).status


@shared_task
def run_previous_month() -> int:
    """Queue every report for every scope it runs for (all providers, all commissioners) for the month
    before today (Europe/London); returns the number of runs queued."""
    month = Month.containing(timezone.localdate()).previous()
    with transaction.atomic():
        queued = [
            runs.prepare_run(
                report=report, month=month, scope_kind=scope_kind, scope_code=code, by=None, send=True
            )
            for report, scope_kind, code in every_scope()
        ]
    return len(queued)


@shared_task(acks_late=True)
def recount_dashboard_tab(tab: str, user_id: int, query: dict[str, str], today: str) -> bool:
    """Count a dashboard tab again for the manager who found it stale, under the same filters and day, and
    keep it in the cache (reports.dashboard_cache). False when the manager or the filters no longer hold (a
    left manager, a team moved out of scope): nothing is kept, and their next visit counts afresh."""
    from accounts.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or tab not in dashboard_cache.TABS:
        return False
    form = DashboardFilterForm(query, user=user, today=dt.date.fromisoformat(today))
    if not form.is_valid():
        return False
    dashboard_cache.recount(tab, dashboard_panels.context_for(user, form.filters(), form.today))
    return True
