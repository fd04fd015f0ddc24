"""Report runs: one record per report, month, scope and rules version, executed in place, safely repeated."""

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest
from django.db import IntegrityError, transaction

from camhs_pbr.runs.models import RunStatus
from groupings.selectors import current_rules_version
from reports import runs, services, tasks
from reports.disclosure import DisclosureRule
from reports.kinds import KINDS, one_scope
from reports.models import HEADLINE, ReportRow, ReportRun
from reports.periods import Month
from reports.selectors import published_frame, stored_frame
from tests.reports.helpers import expected_october_rows, october_casemix

pytestmark = pytest.mark.django_db
OCTOBER = Month.of("2026-10")


@pytest.fixture
def october(reference_data):
    return october_casemix()


def casemix_run() -> ReportRun:
    return runs.prepare_run(
        report="casemix", month=OCTOBER, scope_kind="commissioner", scope_code="QAA", by=None
    )


def test_an_executed_run_stores_its_raw_rows_and_when_the_data_was_read(october):
    run = runs.execute_run(casemix_run().pk)
    assert (run.status, run.rows, run.error) == (RunStatus.DONE, 6, "")
    assert run.started_at and run.data_as_of and run.finished_at
    assert run.started_at <= run.data_as_of < run.finished_at
    assert stored_frame(run).values.tolist() == expected_october_rows()


def test_running_again_replaces_the_rows_with_one_identical_result(october):
    first = runs.execute_run(casemix_run().pk)
    first_rows = list(ReportRow.objects.filter(run=first).values_list("table", "position", "values"))
    again = runs.execute_run(casemix_run().pk)
    assert again.pk == first.pk and ReportRun.objects.count() == 1
    assert list(ReportRow.objects.filter(run=again).values_list("table", "position", "values")) == first_rows
    # Its 6 rows, and the headline's 3 figures stored beside them by the same run.
    assert ReportRow.objects.filter(table="").count() == 6
    assert ReportRow.objects.filter(table=HEADLINE).count() == 3


def test_there_is_one_run_per_report_month_scope_and_rules_version(october):
    run = casemix_run()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRun.objects.create(
            report=run.report,
            period=run.period,
            scope_kind=run.scope_kind,
            scope_code=run.scope_code,
            rules_version=run.rules_version,
            requested_at=run.requested_at,
        )
    assert casemix_run().pk == run.pk


def test_a_commissioner_sees_the_run_with_disclosure_control(october):
    run = runs.execute_run(casemix_run().pk)
    published = published_frame(run)
    figures = published[["open_at_month_end", "referred_in_month", "closed_in_month"]].values.tolist()
    assert figures == [[0, "*", 0], [("*"), 0, 0], [0, "*", "*"], ["*", 0, 0], [0, "*", 0], [0, 0, "*"]]


def test_a_failing_report_is_marked_failed_with_its_error_and_keeps_its_last_rows(october, monkeypatch):
    run = runs.execute_run(casemix_run().pk)

    def broken(month: Month, code: str, rules_version: object) -> pd.DataFrame:
        raise RuntimeError("the database went away")

    monkeypatch.setitem(
        KINDS,
        "casemix",
        replace(KINDS["casemix"], columns=("a",), compute=one_scope(broken), disclosure=DisclosureRule()),
    )
    failed = runs.execute_run(run.pk)
    assert (failed.status, failed.error) == (RunStatus.FAILED, "RuntimeError: the database went away")
    assert ReportRow.objects.filter(run=run, table="").count() == 6
    assert ReportRow.objects.filter(run=run, table=HEADLINE).count() == 3


@pytest.mark.parametrize(
    ("report", "scope_kind", "code", "message"),
    [
        ("casemix", "commissioner", "NOPE", "No commissioner has the code 'NOPE'"),
        ("casemix", "provider", "RAA", "run for a commissioner, not a provider"),
        ("census", "commissioner", "QAA", "No report 'census'; known reports: casemix"),
    ],
)
def test_a_run_of_something_unknown_is_refused(october, report, scope_kind, code, message):
    with pytest.raises(runs.ReportRequestError, match=message):
        runs.prepare_run(report=report, month=OCTOBER, scope_kind=scope_kind, scope_code=code, by=None)


def test_a_requested_run_is_queued_once_the_request_commits(
    october, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[tuple] = []
    monkeypatch.setattr(tasks.run_report, "apply_async", lambda args, **options: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_run(
            report="casemix",
            month=OCTOBER,
            scope_kind="commissioner",
            scope_code="QAA",
            by=october["clinician"],
        )
    assert queued == [(run.pk,)]
    assert (run.status, run.requested_by, run.rules_version) == (
        "queued",
        october["clinician"],
        current_rules_version(),
    )


def test_the_monthly_task_queues_every_report_for_every_scope_of_the_previous_month(
    october, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[int] = []
    monkeypatch.setattr(tasks.run_report, "apply_async", lambda args, **options: queued.append(*args))
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: dt.date(2026, 11, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.run_previous_month() == 12
    requested = ReportRun.objects.filter(pk__in=queued).order_by("report", "scope_kind", "scope_code")
    october_first = dt.date(2026, 10, 1)
    assert [(r.report, r.period, r.scope_kind, r.scope_code) for r in requested] == [
        ("casemix", october_first, "commissioner", "QAA"),
        ("casemix", october_first, "commissioner", "QZZ"),
        ("cost", october_first, "provider", "RAA"),
        ("cost", october_first, "provider", "RBB"),
        ("currency", october_first, "provider", "RAA"),
        ("currency", october_first, "provider", "RBB"),
        ("outcomes", october_first, "commissioner", "QAA"),
        ("outcomes", october_first, "commissioner", "QZZ"),
        ("outcomes", october_first, "provider", "RAA"),
        ("outcomes", october_first, "provider", "RBB"),
        ("teammix", october_first, "provider", "RAA"),
        ("teammix", october_first, "provider", "RBB"),
    ]


def test_the_monthly_task_is_scheduled_at_two_on_the_first_of_each_month_london_time(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["monthly-reports"]
    schedule = entry["schedule"]
    assert entry["task"] == "reports.tasks.run_previous_month"
    assert (schedule.minute, schedule.hour, schedule.day_of_month) == ({0}, {2}, {1})
    assert schedule.month_of_year == set(range(1, 13)) and settings.CELERY_TIMEZONE == "Europe/London"
