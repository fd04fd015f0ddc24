"""Demo report runs, so `make run` shows reports at once: every report for every scope it runs for, for
the last complete month, and the case-mix for the eleven months before it (its trend chart)."""

import datetime as dt

from reports import runs
from reports.kinds import CASEMIX, every_scope
from reports.models import ReportRun
from reports.periods import Month

TREND_MONTHS = 12


def run_demo_reports(as_of: dt.date) -> int:
    """Run the demo's reports in this process (the task's code path); returns how many ran."""
    last = Month.containing(as_of).previous()
    done = 0
    for report, scope_kind, code in every_scope():
        for month in last.trailing(TREND_MONTHS) if report == CASEMIX.report else [last]:
            run = runs.prepare_run(
                report=report, month=month, scope_kind=scope_kind, scope_code=code, by=None
            )
            done += runs.execute_run(run.pk).status == "done"
    return done


def failed_runs() -> list[str]:
    return [f"{run}: {run.error}" for run in ReportRun.objects.filter(status="failed")]
