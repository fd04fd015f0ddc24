"""Requests of report runs from pages and commands: prepare the run, queue its task once committed."""

from django.db import transaction

from accounts.models import User
from reports import runs
from reports.models import ReportRun
from reports.periods import Month
from reports.tasks import run_report


def request_run(*, report: str, month: Month, scope_kind: str, scope_code: str, by: User | None) -> ReportRun:
    """The run of `report` for `month` and one scope under the current rules version, queued for a worker.

    Asking again for the same report, month, scope and rules version re-runs the same record in place."""
    with transaction.atomic():
        run = runs.prepare_run(
            report=report, month=month, scope_kind=scope_kind, scope_code=scope_code, by=by
        )
        transaction.on_commit(lambda: run_report.delay(run.pk))
    return run
