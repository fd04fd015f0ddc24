"""The kinds of background run the reaper looks after. Each app registers its own from its
`AppConfig.ready()`: the model (a `camhs_pbr.runs.models.Run`) and the task that starts it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from celery import Task

from camhs_pbr.runs.models import Run


@dataclass(frozen=True)
class RunKind:
    """One kind of run: `start` is the task queued with the run's id to start it, or to start it again
    after its worker was lost; `action` the audit action of a request of it, which the platform records
    through `record` (`accounts.audit.record`, an app the platform stands below) with the outcome "done", or
    "refused" when the task queue refused it. `resume`, if given, queues again the rest of a running run (re-grouping's unfinished
    chunks) instead of starting it again."""

    model: type[Run]
    start: Task
    action: str
    record: Callable[..., object]
    resume: Callable[[int], None] | None = None

    def audit(self, run: Run, by: Any, outcome: str) -> None:
        self.record(self.action, by=by, target=run, outcome=outcome)

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


# The audit outcomes a kind's `audit` receives (accounts.audit.Outcome's values; the platform is below it).
REQUESTED = "done"
REFUSED = "refused"

KINDS: dict[str, RunKind] = {}


def register(kind: RunKind) -> None:
    """Make `kind` known to the reaper (called again with the same kind, it replaces it)."""
    KINDS[kind.label] = kind


def kind_of(model: type[Run]) -> RunKind:
    try:
        return KINDS[model._meta.label_lower]
    except KeyError:
        raise LookupError(f"{model._meta.label} is not a registered run kind.") from None
