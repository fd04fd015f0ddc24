"""Agreement statistics, one home for them: how often clinicians' allocations agree with the suggestions
(percentage and Cohen's kappa over aggregated pairs), and agreement between raters of the same subjects
(second-rater audits, vignettes, `rater_agreement`): confusion matrix, Cohen's, Fleiss' and quadratic-weighted
kappa, and seeded bootstrap intervals. Pure: plain values and numpy arrays in, numbers out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

# pandas (and the pyarrow it loads) is imported where frames are built: every process loads this module, few
# build one (tests/test_startup_imports.py).
if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Agreement:
    n: int
    agreed: int
    percent: float | None
    kappa: float | None


def cohen_kappa(pairs: pd.DataFrame) -> Agreement:
    """Kappa from aggregated pairs: columns `suggested`, `allocated`, `n` (one row per pair of codes). A code
    may be a grouping with its add-on ("GH03 + GA02"): it agrees only with the same grouping and add-on."""
    n = int(pairs["n"].sum()) if len(pairs) else 0
    if n == 0:
        return Agreement(0, 0, None, None)
    agreed = int(pairs.loc[pairs["suggested"] == pairs["allocated"], "n"].sum())
    observed = agreed / n
    table = pairs.pivot_table(index="suggested", columns="allocated", values="n", aggfunc="sum", fill_value=0)
    categories = table.index.union(table.columns)
    table = table.reindex(index=categories, columns=categories, fill_value=0)
    return Agreement(n, agreed, 100 * observed, kappa_of_table(table.to_numpy()))


def agreement_by(pairs: pd.DataFrame, by: str) -> dict[str, Agreement]:
    """Agreement per value of column `by` (e.g. team), plus "All" over every row."""
    result = {str(key): cohen_kappa(group) for key, group in pairs.groupby(by, sort=True)}
    result["All"] = cohen_kappa(pairs.groupby(["suggested", "allocated"], as_index=False).agg(n=("n", "sum")))
    return result


# Agreement between raters of the same subjects (second-rater audits, vignettes, the rater_agreement command):
# plain numpy, no ORM. Labels are any hashable values; a rating of an item is an integer code with Not known
# as a negative code (NOT_KNOWN_CODE, -1), which drops that subject's pair for that item only.


@dataclass(frozen=True)
class Confusion:
    """Counts of (first rater's category, second rater's category): `table[i, j]` for categories[i] by the
    first rater and categories[j] by the second."""

    categories: tuple
    table: np.ndarray

    @property
    def n(self) -> int:
        return int(self.table.sum())

    @property
    def agreed(self) -> int:
        return int(np.trace(self.table))


def confusion(first: Sequence, second: Sequence, categories: Sequence | None = None) -> Confusion:
    """The confusion matrix of paired labels; `categories` (sorted labels seen, by default) in its order."""
    if len(first) != len(second):
        raise ValueError(f"{len(first)} first ratings but {len(second)} second ones")
    cats = tuple(categories) if categories is not None else tuple(sorted(set(first) | set(second), key=str))
    index = {cat: n for n, cat in enumerate(cats)}
    k = len(cats)
    codes = np.fromiter((index[a] * k + index[b] for a, b in zip(first, second, strict=True)), dtype=np.int64)
    return Confusion(cats, np.bincount(codes, minlength=k * k).reshape(k, k))


def percent_agreement_of(table: np.ndarray) -> float | None:
    """The share of pairs on the diagonal, as a percentage; None with no pairs."""
    n = table.sum()
    return None if n == 0 else float(100 * np.trace(table) / n)


def kappa_of_table(table: np.ndarray) -> float | None:
    """Cohen's kappa of a square table of counts. None when chance agreement is certain (both raters used
    one and the same category for every pair: kappa is 0/0) or there are no pairs. A rater who never varies
    while the other does gets kappa 0: every agreement is what chance alone gives."""
    kappas = _kappas(table[np.newaxis].astype(float))
    return None if np.isnan(kappas[0]) else float(kappas[0])


def _kappas(tables: np.ndarray) -> np.ndarray:
    """Cohen's kappa of each of a stack of k x k tables (R x k x k counts); NaN where undefined."""
    n = tables.sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        observed = np.trace(tables, axis1=1, axis2=2) / n
        expected = np.einsum("ri,ri->r", tables.sum(axis=2), tables.sum(axis=1)) / n**2
        kappa = (observed - expected) / (1 - expected)
    kappa[(n == 0) | np.isclose(expected, 1.0)] = np.nan
    return kappa


def weighted_kappa(first: np.ndarray, second: np.ndarray, levels: int) -> tuple[float | None, int]:
    """Quadratic-weighted kappa of two raters' integer codes 0..levels-1 of one item, and the pairs it
    counts: a pair with either rating Not known (negative) is dropped. None when undefined (no pairs, or
    every rating the same: no disagreement was possible by chance)."""
    first, second = np.asarray(first), np.asarray(second)
    both = (first >= 0) & (second >= 0)
    a, b = first[both].astype(np.int64), second[both].astype(np.int64)
    n = int(a.size)
    if n == 0:
        return None, 0
    observed = np.bincount(a * levels + b, minlength=levels * levels).reshape(levels, levels).astype(float)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / n
    grid = np.arange(levels)
    weights = (grid[:, None] - grid[None, :]) ** 2
    chance = float((weights * expected).sum())
    if chance == 0:
        return None, n
    return 1 - float((weights * observed).sum()) / chance, n


def fleiss_kappa(counts: np.ndarray) -> float | None:
    """Fleiss' kappa of a subjects x categories table of how many raters put each subject in each category.
    Subjects may have different numbers of raters (at least two each); with the same number it is Fleiss'
    (1971) statistic. None when undefined (no subjects, or every rating in one category)."""
    kappas = _fleiss_parts(np.asarray(counts, dtype=float))
    return _fleiss_from(*kappas)


def _fleiss_parts(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per subject: its share of agreeing rater pairs, its category counts and its number of raters."""
    raters = counts.sum(axis=1)
    if counts.size and raters.min() < 2:
        raise ValueError("every subject needs at least two ratings")
    agreeing = ((counts * (counts - 1)).sum(axis=1)) / (raters * (raters - 1)) if counts.size else raters
    return agreeing, counts, raters


def _fleiss_from(agreeing: np.ndarray, counts: np.ndarray, raters: np.ndarray) -> float | None:
    if not len(agreeing):
        return None
    shares = counts.sum(axis=0) / raters.sum()
    expected = float((shares**2).sum())
    if np.isclose(expected, 1.0):
        return None
    return (float(agreeing.mean()) - expected) / (1 - expected)


def bootstrap_kappa(table: np.ndarray, *, resamples: int = 1000, seed: int = 0) -> tuple[float, float] | None:
    """95% percentile interval of Cohen's kappa over resamples of the pairs (subjects) behind `table`.

    Resampling n pairs with replacement is drawing n from the table's cell shares, so each resample is one
    multinomial draw of k x k cells: the same distribution as resampling subjects, at the cost of the table
    rather than of the pairs. Resamples whose kappa is undefined are left out; None if all are, or no pairs."""
    table = np.asarray(table)
    n, k = int(table.sum()), table.shape[0]
    if n == 0:
        return None
    rng = np.random.default_rng(seed)
    tables = rng.multinomial(n, table.ravel() / n, size=resamples).reshape(resamples, k, k).astype(float)
    return _interval(_kappas(tables))


def bootstrap_fleiss(
    counts: np.ndarray, *, resamples: int = 1000, seed: int = 0, block: int = 100
) -> tuple[float, float] | None:
    """95% percentile interval of Fleiss' kappa over resamples of the subjects (rows of `counts`), each
    resample a vector of how often each subject is drawn, `block` resamples at a time (matrix products)."""
    agreeing, table, raters = _fleiss_parts(np.asarray(counts, dtype=float))
    n = len(agreeing)
    if n == 0:
        return None
    rng = np.random.default_rng(seed)
    kappas = np.empty(resamples)
    for start in range(0, resamples, block):
        size = min(block, resamples - start)
        drawn = rng.multinomial(n, np.full(n, 1 / n), size=size).astype(float)
        shares = (drawn @ table) / (drawn @ raters)[:, None]
        expected = (shares**2).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            kappa = ((drawn @ agreeing) / n - expected) / (1 - expected)
        kappa[np.isclose(expected, 1.0)] = np.nan
        kappas[start : start + size] = kappa
    return _interval(kappas)


def _interval(kappas: np.ndarray) -> tuple[float, float] | None:
    defined = kappas[~np.isnan(kappas)]
    if not defined.size:
        return None
    low, high = np.quantile(defined, [0.025, 0.975])
    return float(low), float(high)
