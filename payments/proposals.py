"""Prices proposed from evidence (issue 32): per grouping, the cost of a month of care of the episodes closed
in the 12 months to a month. Pure: each episode's cost and months of care in, one proposal per grouping out.

An episode's cost per month of care = its cost (all its attended contacts, costed as the cost report does) /
its months of care (the months from the month it was accepted to the month it closed, both included: each
is a month it was open at the end of or closed in). It is attributed to its grouping at closure (the
currency-quality report's rule). Per grouping: n, the mean (the proposed price, to the penny), the 10%
trimmed mean (10% of episodes cut from each end, rounded down) and the median beside it, and the
coefficient of variation (sample sd / mean); a warning where n < 30 or CV > 1.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from statistics import mean, median, stdev

from payments.risk_share import pennies

TRIM = 0.10
FEW_EPISODES = 30
MAX_CV = 1.0


@dataclass(frozen=True)
class Episode:
    grouping: str
    cost: Decimal
    months_of_care: int


@dataclass(frozen=True)
class Proposal:
    grouping: str
    n: int
    mean: Decimal
    trimmed_mean: Decimal
    median: Decimal
    cv: float | None

    @property
    def warnings(self) -> list[str]:
        found = []
        if self.n < FEW_EPISODES:
            found.append(f"only {self.n} episode{'s' if self.n != 1 else ''} (fewer than {FEW_EPISODES})")
        if self.cv is not None and self.cv > MAX_CV:
            found.append(f"costs vary widely (coefficient of variation {self.cv:.2f}, over {MAX_CV:g})")
        return found


def months_between(accepted: tuple[int, int], closed: tuple[int, int]) -> int:
    """Months of care of an episode accepted in (year, month) `accepted` and closed in `closed`."""
    return (closed[0] - accepted[0]) * 12 + closed[1] - accepted[1] + 1


def trimmed_mean(values: list[Decimal], cut: float = TRIM) -> Decimal:
    ordered = sorted(values)
    k = math.floor(len(ordered) * cut)
    kept = ordered[k : len(ordered) - k] if len(ordered) > 2 * k else ordered
    return sum(kept, Decimal(0)) / len(kept)


def propose(episodes: Iterable[Episode]) -> list[Proposal]:
    """One proposal per grouping with episodes, by grouping code."""
    per_month: dict[str, list[Decimal]] = defaultdict(list)
    for episode in episodes:
        if episode.months_of_care >= 1:
            per_month[episode.grouping].append(episode.cost / episode.months_of_care)
    proposals = []
    for grouping, values in sorted(per_month.items()):
        average = mean(values)
        cv = float(stdev(values) / average) if len(values) >= 2 and average else None
        proposals.append(
            Proposal(
                grouping=grouping,
                n=len(values),
                mean=pennies(average),
                trimmed_mean=pennies(trimmed_mean(values)),
                median=pennies(median(values)),
                cv=cv,
            )
        )
    return proposals
