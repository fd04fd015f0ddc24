"""Celery tasks of the monthly reports: thin wrappers around reports.runs."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from accounts.models import Commissioner, Provider
from reports import runs
from reports.kinds import KINDS
from reports.models import ScopeKind
from reports.periods import Month


@shared_task(acks_late=True)
def run_report(run_id: int) -> str:
    """Execute one report run; redelivered after a lost worker, it replaces the rows in one transaction."""
    return runs.execute_run(run_id).status


@shared_task
def run_previous_month() -> int:
    """Queue every report for every scope it runs for (all providers, all commissioners) for the month
    before today (Europe/London); returns the number of runs queued."""
    month = Month.containing(timezone.localdate()).previous()
    codes = {
        ScopeKind.COMMISSIONER.value: list(
            Commissioner.objects.order_by("code").values_list("code", flat=True)
        ),
        ScopeKind.PROVIDER.value: list(Provider.objects.order_by("code").values_list("code", flat=True)),
    }
    queued = []
    with transaction.atomic():
        for report, kind in sorted(KINDS.items()):
            for scope_kind in sorted(kind.scope_kinds):
                for code in codes[scope_kind]:
                    run = runs.prepare_run(
                        report=report, month=month, scope_kind=scope_kind, scope_code=code, by=None
                    )
                    queued.append(run.pk)
        transaction.on_commit(lambda: [run_report.delay(run_id) for run_id in queued])
    return len(queued)
