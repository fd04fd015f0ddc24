"""Imported by a test worker (`celery worker --include`): each audit's sampling first pauses
SLOW_SAMPLING_SECONDS, so that a test can kill the worker in the middle of an audit's run (test support)."""

import os
import time

from consistency import tasks

_sample = tasks.sample


def slow_sample(*args, **kwargs):  # type: ignore[no-untyped-def]
    time.sleep(float(os.environ.get("SLOW_SAMPLING_SECONDS", "0")))
    return _sample(*args, **kwargs)


tasks.sample = slow_sample
