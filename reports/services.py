"""Requests of report runs from pages and commands: prepare the run, then queue its task."""

from django.db import transaction

from accounts.models import User
from camhs_pbr import queueing
from reports import runs
from reports.models import ReportRun
from reports.periods import Month
from reports.tasks import run_report


def request_run(*, report: str, month: Month, scope_kind: str, scope_code: str, by: User | None) -> ReportRun:
    """The run of `report` for `month` and one scope under the current rules version, queued for a worker.

    Asking again for the same report, month, scope and rules version re-runs the same record in place. With
    the queue unreachable the run is marked failed with that reason and QueueUnreachable raised."""
    with transaction.atomic(durable=True):
        run = runs.prepare_run(
            report=report, month=month, scope_kind=scope_kind, scope_code=scope_code, by=by
        )
    try:
        queueing.publish(run_report, run.pk)
    except queueing.QueueUnreachable:
        runs.failed(run.pk, queueing.UNREACHABLE)
        raise
    return run
