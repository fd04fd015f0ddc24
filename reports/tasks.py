"""Celery tasks of the monthly reports: thin wrappers around reports.runs, on the run platform."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from camhs_pbr.runs.tasks import run_task
from reports import runs
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
    before today (Europe/London), and ask for each scope's monthly pack, made once its runs are done;
    returns the number of runs queued."""
    month = Month.containing(timezone.localdate()).previous()
    scopes = every_scope()
    with transaction.atomic():
        # Each scope's pack is made after the last of its runs ends (reports.runs.make_pack_when_reports_are_done).
        for scope_kind, code in sorted({(scope_kind, code) for _, scope_kind, code in scopes}):
            runs.ask_for_pack(month=month, scope_kind=scope_kind, scope_code=code)
        queued = [
            runs.prepare_run(
                report=report, month=month, scope_kind=scope_kind, scope_code=code, by=None, send=True
            )
            for report, scope_kind, code in scopes
        ]
    return len(queued)
