"""The outcome component's two indicators over the 12 months to M (issue 32), by the project's change rules:

- paired share = closed episodes with a paired measure (a scale scored at least twice: the first and latest
  score, SPEC §6, as the outcome report pairs them) / episodes of care closed in the 12 months to M;
- improved share = paired episodes reliably improved / paired episodes, an episode being reliably improved
  when at least one of its classified pairs is reliably improved (assessments.change, the scale's
  ChangeThreshold) and none reliably deteriorated.
A share with nothing to count is None.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from assessments.change import ChangeCategory
from assessments.models import Case
from reports.outcome_report import classified_changes, measure_pairs
from reports.periods import Month


@dataclass(frozen=True)
class OutcomeCounts:
    closed: int
    paired: int
    improved: int

    @property
    def paired_share(self) -> Decimal | None:
        return Decimal(self.paired) / Decimal(self.closed) if self.closed else None

    @property
    def improved_share(self) -> Decimal | None:
        return Decimal(self.improved) / Decimal(self.paired) if self.paired else None


def closed_in_year_to(cases: QuerySet[Case], month: Month) -> QuerySet[Case]:
    """Episodes of care closed in the 12 months to `month`."""
    first = month.trailing(12)[0].first
    return cases.filter(accepted_date__isnull=False, closed_date__gte=first, closed_date__lte=month.last)


def outcome_counts(cases: QuerySet[Case], month: Month) -> OutcomeCounts:
    """Closed, paired and reliably improved episodes of `cases` over the 12 months to `month`."""
    episodes = closed_in_year_to(cases, month)
    closed = episodes.count()
    if not closed:
        return OutcomeCounts(0, 0, 0)
    pairs = measure_pairs(episodes)
    if pairs.empty:
        return OutcomeCounts(closed, 0, 0)
    changes = classified_changes(pairs)
    marks = changes.assign(
        improved=changes["change"] == ChangeCategory.RELIABLY_IMPROVED.value,
        deteriorated=changes["change"] == ChangeCategory.RELIABLY_DETERIORATED.value,
    )
    per_episode = marks.groupby("case_id")[
        ["improved", "deteriorated"]
    ].any()  # vectorised, no call per episode
    improved = int((per_episode["improved"] & ~per_episode["deteriorated"]).sum())
    return OutcomeCounts(closed, int(per_episode.shape[0]), improved)
