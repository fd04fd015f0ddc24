"""Statements computed after a pause of SLOW_STATEMENT_SECONDS (test support).

Imported by a test worker (`celery worker --include`) so that a test can kill the worker mid-run.
"""

import os
import time

from payments import runs

_statement_lines = runs.statement_lines


def _slow_statement_lines(contract, month):  # type: ignore[no-untyped-def]
    time.sleep(float(os.environ.get("SLOW_STATEMENT_SECONDS", "0")))
    return _statement_lines(contract, month)


runs.statement_lines = _slow_statement_lines  # type: ignore[assignment]
