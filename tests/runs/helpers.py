"""The run platform's reaper over one kind, for tests that need no queue: nothing waits on it."""

import datetime as dt

from camhs_pbr.runs import lifecycle, registry
from camhs_pbr.runs.models import Run


def reap(model: type[Run], *, quiet_for: dt.timedelta, limit: int) -> list[lifecycle.Requeue]:
    """What the reaper would queue again of `model`'s runs (and fail), with no message waiting."""
    return lifecycle.reap(
        registry.kind_of(model), quiet_for=quiet_for, limit=limit, waiting=lambda run: False
    )
