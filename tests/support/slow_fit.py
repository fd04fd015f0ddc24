"""Imported by a test worker (`celery worker --include`): each lab fit first pauses SLOW_FIT_SECONDS, so that
a test can kill the worker in the middle of a lab run (test support)."""

import os
import time

from lab import tasks

_fit = tasks.fit


def slow_fit(*args, **kwargs):  # type: ignore[no-untyped-def]
    time.sleep(float(os.environ.get("SLOW_FIT_SECONDS", "0")))
    return _fit(*args, **kwargs)


tasks.fit = slow_fit
