"""Estimates shown beside the rules' suggestion on the Current View page, registered by higher apps from
their AppConfig.ready (the algorithm lab's published classifier), so `groupings` imports none of them.

An estimate is statistical help to the clinician: the page labels it so, and it never allocates."""

from collections.abc import Callable
from dataclasses import dataclass

from assessments.models import Case, CurrentView


@dataclass(frozen=True)
class EstimatedGrouping:
    code: str
    name: str
    probability: float  # 0 to 1

    @property
    def percent(self) -> float:
        return 100 * self.probability


@dataclass(frozen=True)
class Estimate:
    """What an estimator says of one Current View: its most likely groupings, or why it says nothing."""

    source: str  # e.g. "Classifier of lab run 12, published 01/12/2026 by A. Manager"
    groupings: tuple[EstimatedGrouping, ...]
    note: str = ""


Estimator = Callable[[Case, CurrentView], Estimate | None]
_estimators: dict[str, Estimator] = {}


def add_estimator(name: str, estimator: Estimator) -> None:
    _estimators[name] = estimator


def estimates(case: Case, current_view: CurrentView) -> list[Estimate]:
    """Every registered estimator's estimate for the Current View (those with nothing to say left out)."""
    found = (estimator(case, current_view) for estimator in _estimators.values())
    return [estimate for estimate in found if estimate is not None]
