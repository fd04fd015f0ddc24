"""What higher apps do when a case is discharged, registered from their AppConfig.ready.

The grouping workflow ends the open allocation on the discharge date; registering it here keeps the discharge
one function of `assessments` that no caller can use without it, and `assessments` never imports `groupings`
(ARCHITECTURE.md).
"""

import datetime as dt
from collections.abc import Callable

from assessments.models import Case

DischargeStep = Callable[[Case, dt.date], None]

_steps: dict[str, DischargeStep] = {}


def add_discharge_step(name: str, step: DischargeStep) -> None:
    """Run `step(case, closed_date)` inside every discharge's transaction; it may refuse the discharge."""
    _steps[name] = step


def discharge_steps() -> tuple[DischargeStep, ...]:
    return tuple(_steps.values())
