"""How well a grouping explains resource use and agrees with clinicians, scored on held-out folds.

Held-out explained variance (the table's `appointments_r2` and `cost_r2`): in each of the folds, every
group's mean is computed on the training rows and predicted for the held-out rows of that group (the
training rows' overall mean for a group the training rows lack); the score is the pooled out-of-fold
R^2 = 1 - sum (y - prediction)^2 / sum (y - mean of y)^2 over all rows. For a fixed grouping (the rules'
suggestions, clinicians' allocations) this is eta^2 with the group means learnt out of fold; for a tree it
is exactly the cross-validated R^2 of the tree (a leaf predicts its training mean); for clusters the
held-out rows join their nearest training centre. It can be below 0 (worse than the mean). The in-sample
eta^2 beside it is reports/costing.py's `eta_squared` on all rows.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from reports.costing import eta_squared


@dataclass(frozen=True)
class Fold:
    """One fold's rows and their group labels: `train` rows fit the groups, `test` rows are held out."""

    train: np.ndarray
    test: np.ndarray
    train_labels: np.ndarray
    test_labels: np.ndarray


@dataclass(frozen=True)
class ComparisonRow:
    """One grouping of the same episodes, scored; None where a figure does not apply or is undefined."""

    grouping_by: str
    groups: int
    appointments_r2: float | None
    cost_r2: float | None
    appointments_eta2: float | None
    cost_eta2: float | None
    accuracy: float | None = None
    kappa: float | None = None


def fixed_folds(labels: np.ndarray, splits: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[Fold]:
    """Folds of a grouping that is not fitted (rules, allocations): each row keeps its label."""
    return [Fold(train, test, labels[train], labels[test]) for train, test in splits]


def held_out_r2(values: np.ndarray | None, folds: Sequence[Fold]) -> float | None:
    """Pooled out-of-fold R^2 of `values` predicted by their group's training mean (module docstring)."""
    if values is None or not len(values):
        return None
    y = np.asarray(values, dtype=float)
    total = float(((y - y.mean()) ** 2).sum())
    if total == 0:
        return None
    predicted = np.empty_like(y)
    for fold in folds:
        predicted[fold.test] = _by_training_means(y[fold.train], fold.train_labels, fold.test_labels)
    return 1 - float(((y - predicted) ** 2).sum()) / total


def _by_training_means(y_train: np.ndarray, train_labels: np.ndarray, test_labels: np.ndarray) -> np.ndarray:
    names, index = np.unique(train_labels, return_inverse=True)
    means = np.bincount(index, weights=y_train) / np.bincount(index)
    position = np.searchsorted(names, test_labels).clip(max=len(names) - 1)
    seen = names[position] == test_labels
    return np.where(seen, means[position], y_train.mean())


def in_sample_eta2(values: np.ndarray | None, labels: np.ndarray) -> float | None:
    return None if values is None else eta_squared(values, labels.astype(str))


def row(
    grouping_by: str,
    labels: np.ndarray,
    folds: Sequence[Fold],
    appointments: np.ndarray,
    cost: np.ndarray | None,
    *,
    allocated: np.ndarray | None = None,
    predicted: np.ndarray | None = None,
) -> ComparisonRow:
    """The table row of a grouping: `labels` on all rows (in-sample), `folds` held out; agreement of
    `predicted` (held out for a fitted classifier) with `allocated` when both are given."""
    agreement = (
        agreement_with(allocated, predicted) if allocated is not None and predicted is not None else None
    )
    return ComparisonRow(
        grouping_by=grouping_by,
        groups=len(np.unique(labels)),
        appointments_r2=held_out_r2(appointments, folds),
        cost_r2=held_out_r2(cost, folds),
        appointments_eta2=in_sample_eta2(appointments, labels),
        cost_eta2=in_sample_eta2(cost, labels),
        accuracy=None if agreement is None else agreement[0],
        kappa=None if agreement is None else agreement[1],
    )


def agreement_with(allocated: np.ndarray, predicted: np.ndarray) -> tuple[float, float | None]:
    """Share of rows where `predicted` equals `allocated`, and Cohen's kappa between them (None when
    undefined: one label only)."""
    from sklearn.metrics import (
        cohen_kappa_score,  # here: scikit-learn is a second of imports for every process
    )

    allocated, predicted = allocated.astype(str), predicted.astype(str)
    accuracy = float((allocated == predicted).mean())
    if len(np.union1d(allocated, predicted)) < 2:
        return accuracy, None
    kappa = float(cohen_kappa_score(allocated, predicted))
    return accuracy, None if np.isnan(kappa) else kappa
