"""Imported by a test worker (`celery worker --include`): each agreement run's figures first pause
SLOW_AGREEMENT_SECONDS, so that a test can kill the worker in the middle of an agreement run (test support)."""

import os
import time

from consistency import agreement_runs

_figures_for = agreement_runs.figures_for


def slow_figures_for(*args, **kwargs):  # type: ignore[no-untyped-def]
    time.sleep(float(os.environ.get("SLOW_AGREEMENT_SECONDS", "0")))
    return _figures_for(*args, **kwargs)


agreement_runs.figures_for = slow_figures_for
