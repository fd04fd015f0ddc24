"""Celery beat queues every contract's statement of the month before, after the monthly reports."""

import datetime as dt

import pytest
from django.conf import settings

from payments import tasks
from payments.models import Statement
from tests.payments.helpers import small_contract

pytestmark = pytest.mark.django_db


def test_the_schedule_runs_the_statements_after_the_monthly_reports():
    schedule = settings.CELERY_BEAT_SCHEDULE
    statements, reports = schedule["monthly-statements"]["schedule"], schedule["monthly-reports"]["schedule"]
    assert schedule["monthly-statements"]["task"] == "payments.tasks.run_previous_month_statements"
    assert statements.day_of_month == reports.day_of_month and min(statements.hour) > max(reports.hour)


def test_the_monthly_task_queues_each_contract_of_the_year_for_the_month_before(reference_data, monkeypatch):
    world = small_contract()
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: dt.date(2026, 7, 3))
    assert tasks.run_previous_month_statements() == 1
    queued = Statement.objects.get()
    assert (queued.contract, queued.period, queued.status) == (
        world["contract"],
        dt.date(2026, 6, 1),
        "queued",
    )
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: dt.date(2027, 5, 3))
    assert tasks.run_previous_month_statements() == 0  # April 2027 is another financial year
