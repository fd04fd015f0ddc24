"""Requests of report runs from pages and commands, on the run platform (camhs_pbr.runs)."""

from accounts.models import User
from reports import runs
from reports.models import ReportRun
from reports.periods import Month


def request_run(*, report: str, month: Month, scope_kind: str, scope_code: str, by: User | None) -> ReportRun:
    """The run of `report` for `month` and one scope under the current rules version, queued for a worker.

    Asking again for the same report, month, scope and rules version re-runs the same record in place, or
    joins it while it is queued or running. With the task queue unreachable the run stays queued, marked
    refused, and the reaper sends it once the queue is back."""
    return runs.prepare_run(
        report=report, month=month, scope_kind=scope_kind, scope_code=scope_code, by=by, send=True
    )
