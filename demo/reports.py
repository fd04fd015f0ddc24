"""Demo report runs, so `make run` shows reports at once: every report for every scope it runs for, for
the last complete month, and the case-mix for the eleven months before it (its trend chart)."""

import datetime as dt

from accounts.models import Commissioner, Provider
from reports import runs
from reports.kinds import KINDS
from reports.models import Report, ReportRun, ScopeKind
from reports.periods import Month

TREND_MONTHS = 12


def run_demo_reports(as_of: dt.date) -> int:
    """Run the demo's reports in this process (the task's code path); returns how many ran."""
    last = Month.containing(as_of).previous()
    codes = {
        ScopeKind.COMMISSIONER.value: list(Commissioner.objects.values_list("code", flat=True)),
        ScopeKind.PROVIDER.value: list(Provider.objects.values_list("code", flat=True)),
    }
    done = 0
    for report, kind in KINDS.items():
        months = last.trailing(TREND_MONTHS) if report == Report.CASEMIX else [last]
        for scope_kind in sorted(kind.scope_kinds):
            for code in codes[scope_kind]:
                for month in months:
                    run = runs.prepare_run(
                        report=report, month=month, scope_kind=scope_kind, scope_code=code, by=None
                    )
                    done += runs.execute_run(run.pk).status == "done"
    return done


def failed_runs() -> list[str]:
    return [f"{run}: {run.error}" for run in ReportRun.objects.filter(status="failed")]
