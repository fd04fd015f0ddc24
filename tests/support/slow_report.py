"""A test-only report kind: the case-mix, computed after a pause of SLOW_REPORT_SECONDS (test support).

Imported by a test worker (`celery worker --include`) so that a test can kill the worker mid-run.
"""

import os
import time

import pandas as pd

from groupings.models import RulesVersion
from reports import casemix
from reports.kinds import KINDS, ReportKind, register
from reports.models import ScopeKind
from reports.periods import Month

SLOW_REPORT = "slowmix"


def slow_casemix_rows(
    month: Month, scope_kind: str, scope_code: str, rules_version: RulesVersion
) -> pd.DataFrame:
    time.sleep(float(os.environ.get("SLOW_REPORT_SECONDS", "0")))
    return casemix.casemix_rows(month, scope_code, rules_version)


SLOW_KIND = register(
    ReportKind(
        report=SLOW_REPORT,
        label="Slow case-mix",
        columns=casemix.COLUMNS,
        compute=slow_casemix_rows,
        scope_kinds=frozenset({ScopeKind.COMMISSIONER.value}),
        disclosure=casemix.DISCLOSURE,
        totals=KINDS["casemix"].totals,
        trend=KINDS["casemix"].trend,
    )
)


def forget() -> None:
    """Take the kind out of this process's registry again, for a test that asked for a run of it outside a test
    function (tests/conftest.py restores the registry after each test function)."""
    from reports.models import REPORT_LABELS

    KINDS.pop(SLOW_REPORT, None)
    REPORT_LABELS.pop(SLOW_REPORT, None)
