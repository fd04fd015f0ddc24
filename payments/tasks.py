"""Celery tasks of the statements: thin wrappers around payments.runs, on the run platform."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from camhs_pbr.runs.tasks import run_task
from payments import financial_year, runs
from payments.models import Contract, Statement
from reports.periods import Month


@run_task(Statement)
def compute_statement(run_id: int) -> str:
    """Compute one statement; redelivered after a lost worker, it replaces the lines in one transaction."""
    return runs.execute_statement(run_id).status


@shared_task
def run_previous_month_statements() -> int:
    """Queue the statement of every contract for the month before today (Europe/London), after the
    monthly reports (beat); returns the number of statements queued."""
    month = Month.containing(timezone.localdate()).previous()
    contracts = Contract.objects.filter(financial_year=financial_year.start_year_of(month.first))
    with transaction.atomic():
        queued = [runs.request_statement(contract=c, month=month, by=None) for c in contracts]
    return len(queued)
