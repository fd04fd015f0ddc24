"""Reliable change and recovery between a first and a last score (SPEC §6, PROPOSED)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

# pandas (and the pyarrow it loads) is imported where frames are built: every process loads this module, few
# build one (tests/test_startup_imports.py).
if TYPE_CHECKING:
    import pandas as pd

RELIABLE_CHANGE_Z = 1.96


class ChangeCategory(StrEnum):
    """The three reliable change classes of SPEC §6."""

    RELIABLY_IMPROVED = "reliably improved"
    NO_RELIABLE_CHANGE = "no reliable change"
    RELIABLY_DETERIORATED = "reliably deteriorated"


@dataclass(frozen=True)
class ChangeParameters:
    """SD1, test-retest r and caseness cut-off of one measure, scale and informant, from reference data."""

    sd1: float
    r: float
    cutoff: float | None  # None: no caseness cut-off (e.g. goals), so "recovered" does not apply
    higher_is_worse: bool

    def __post_init__(self) -> None:
        _check_sd1_and_r(self.sd1, self.r)

    @property
    def threshold(self) -> float:
        return reliable_change_threshold(self.sd1, self.r)


@dataclass(frozen=True)
class Change:
    """How a score changed: the reliable change category and whether the young person recovered."""

    category: ChangeCategory
    recovered: bool | None  # None when the scale has no caseness cut-off


def reliable_change_threshold(sd1: float, r: float) -> float:
    """The smallest difference counted as reliable: 1.96 x SD1 x sqrt(2 x (1 - r)) (SPEC §6)."""
    _check_sd1_and_r(sd1, r)
    return RELIABLE_CHANGE_Z * sd1 * math.sqrt(2 * (1 - r))


def is_clinical(score: float, params: ChangeParameters) -> bool:
    """Whether a score lies on the clinical side of the caseness cut-off; a score at the cut-off does."""
    if params.cutoff is None:
        raise ValueError("this scale has no caseness cut-off")
    return score >= params.cutoff if params.higher_is_worse else score <= params.cutoff


def classify_change(first: float, last: float, params: ChangeParameters) -> Change:
    """Classify a paired first and last score as reliably improved, no reliable change or deteriorated."""
    if not (math.isfinite(first) and math.isfinite(last)):
        raise ValueError(f"first and last scores must both be present, not {first!r} and {last!r}")
    threshold = params.threshold
    improvement = first - last if params.higher_is_worse else last - first
    # A difference exactly at the threshold is not reliable: the change must exceed it.
    if improvement > threshold:
        category = ChangeCategory.RELIABLY_IMPROVED
    elif improvement < -threshold:
        category = ChangeCategory.RELIABLY_DETERIORATED
    else:
        category = ChangeCategory.NO_RELIABLE_CHANGE
    # SPEC §6: recovered = reliably improved and crossed from the clinical to the non-clinical side.
    recovered = None
    if params.cutoff is not None:
        recovered = (
            category is ChangeCategory.RELIABLY_IMPROVED
            and is_clinical(first, params)
            and not is_clinical(last, params)
        )
    return Change(category=category, recovered=recovered)


def classify_change_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Add `threshold`, `change` and `recovered` to a copy of a frame of first, last, sd1, r, cutoff and
    higher_is_worse; a row missing first or last gets missing change and recovered, and a row without a
    cut-off gets missing recovered (recovery needs a caseness cut-off)."""
    import pandas as pd

    missing_columns = [
        name for name in ("first", "last", "sd1", "r", "cutoff", "higher_is_worse") if name not in frame
    ]
    if missing_columns:
        raise ValueError(f"change frame lacks columns: {', '.join(missing_columns)}")
    parameters = frame[["sd1", "r", "higher_is_worse"]]
    if parameters.isna().any(axis=None):
        raise ValueError("sd1, r and higher_is_worse must be present on every row")
    first = frame["first"].to_numpy(dtype=float, na_value=np.nan)
    last = frame["last"].to_numpy(dtype=float, na_value=np.nan)
    sd1 = frame["sd1"].to_numpy(dtype=float)
    r = frame["r"].to_numpy(dtype=float)
    cutoff = frame["cutoff"].to_numpy(dtype=float, na_value=np.nan)
    higher_is_worse = frame["higher_is_worse"].to_numpy(dtype=bool)
    if (sd1 < 0).any() or ((r < 0) | (r > 1)).any() or not np.isfinite(sd1).all():
        raise ValueError("every sd1 must be 0 or more and every r between 0 and 1")

    threshold = RELIABLE_CHANGE_Z * sd1 * np.sqrt(2 * (1 - r))
    improvement = np.where(higher_is_worse, first - last, last - first)
    improved = improvement > threshold
    deteriorated = improvement < -threshold
    known = ~(np.isnan(first) | np.isnan(last))
    categories = [
        ChangeCategory.RELIABLY_IMPROVED.value,
        ChangeCategory.NO_RELIABLE_CHANGE.value,
        ChangeCategory.RELIABLY_DETERIORATED.value,
    ]
    codes = np.select([~known, improved, deteriorated], [-1, 0, 2], default=1)
    clinical_first = np.where(higher_is_worse, first >= cutoff, first <= cutoff)
    clinical_last = np.where(higher_is_worse, last >= cutoff, last <= cutoff)
    recovered = improved & clinical_first & ~clinical_last

    result = frame.copy()
    result["threshold"] = threshold
    result["change"] = pd.Categorical.from_codes(codes.astype(np.int64), categories=pd.Index(categories))
    recovered_or_missing = pd.array(recovered, dtype="boolean")
    recovered_or_missing[~known | np.isnan(cutoff)] = pd.NA
    result["recovered"] = recovered_or_missing
    return result


def _check_sd1_and_r(sd1: float, r: float) -> None:
    if not math.isfinite(sd1) or sd1 < 0:
        raise ValueError(f"SD1 must be a finite number of 0 or more, not {sd1!r}")
    if not 0 <= r <= 1:
        raise ValueError(f"test-retest reliability r must lie between 0 and 1, not {r!r}")
