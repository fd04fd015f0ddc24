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


def make_demo_packs(as_of: dt.date) -> int:
    """The last month's PDF pack of the demo commissioner's ICB and the demo service manager's provider, as the
    monthly beat makes them (each takes seconds of WeasyPrint, so only these two); returns how many were made."""
    from accounts.models import User
    from reports.models import ScopeKind

    last = Month.containing(as_of).previous()
    commissioner = User.objects.select_related("commissioner").get(username="commissioner").commissioner
    provider = User.objects.select_related("provider").get(username="service.manager").provider
    assert commissioner is not None and provider is not None
    for scope_kind, code in (
        (ScopeKind.COMMISSIONER.value, commissioner.code),
        (ScopeKind.PROVIDER.value, provider.code),
    ):
        runs.make_pack(month=last, scope_kind=scope_kind, scope_code=code)
    return 2
