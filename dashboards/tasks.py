"""Celery tasks of the managers' dashboard: thin wrappers around dashboards.cache."""

import datetime as dt

from celery import shared_task

from dashboards import cache as dashboard_cache
from dashboards import panels as dashboard_panels
from dashboards.forms import DashboardFilterForm


@shared_task(acks_late=True)
def recount_dashboard_tab(tab: str, user_id: int, query: dict[str, str], today: str) -> bool:
    """Count a dashboard tab again for the manager who found it stale, under the same filters and day, and
    keep it in the cache (dashboards.cache). False when the manager or the filters no longer hold (a
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
