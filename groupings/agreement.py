"""How often clinicians' allocations agree with the suggestions: percentage and Cohen's kappa."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

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
    suggested = pairs.groupby("suggested")["n"].sum() / n
    allocated = pairs.groupby("allocated")["n"].sum() / n
    expected = float((suggested * allocated.reindex(suggested.index, fill_value=0)).sum())
    kappa = None if expected == 1 else (observed - expected) / (1 - expected)
    return Agreement(n, agreed, 100 * observed, kappa)


def agreement_by(pairs: pd.DataFrame, by: str) -> dict[str, Agreement]:
    """Agreement per value of column `by` (e.g. team), plus "All" over every row."""
    result = {str(key): cohen_kappa(group) for key, group in pairs.groupby(by, sort=True)}
    result["All"] = cohen_kappa(pairs.groupby(["suggested", "allocated"], as_index=False).agg(n=("n", "sum")))
    return result
