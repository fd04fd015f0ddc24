"""The domain steps of a lab run's record, on the run platform's lifecycle (camhs_pbr.runs.lifecycle): each
marks the run's stage in words, so its page shows how far it has got."""

from typing import Any

from camhs_pbr.runs import lifecycle
from lab.models import LabRun

SELECTING = "Selecting the closed episodes you can see"
FITTING = "Fitting and comparing with the rules on 5 held-out folds"
SAVING = "Saving the fitted model and the results"


def begin(run_id: int) -> bool:
    """Mark an unfinished run running from now (again, for a delivery after a lost worker); False when it
    is already done or failed."""
    return lifecycle.start(LabRun, run_id, stage=SELECTING)


def selected(run_id: int, *, episodes: int, fingerprint: str) -> None:
    """Record the data snapshot (how many episodes, and their fingerprint) and that fitting has begun."""
    lifecycle.beat(LabRun, run_id, episodes=episodes, fingerprint=fingerprint, stage=FITTING)


def saving(run_id: int) -> None:
    lifecycle.beat(LabRun, run_id, stage=SAVING)


def done(run_id: int, *, result: dict[str, Any], model_file: str) -> None:
    lifecycle.finish(LabRun, run_id, stage="", result=result, model_file=model_file)


def failed(run_id: int, reason: str) -> None:
    """Mark an unfinished run failed with the reason shown to its user."""
    lifecycle.fail(LabRun, run_id, reason)
