"""The manager dashboard's cases: its filters, the one function every panel and drill-down reads
(`dashboard_cases`), the per-case facts the panels group by, and the case sets behind its counts.

Definitions (issue 16):
- The dashboard counts **open episodes** of care (accepted, not closed); referrals not yet accepted are
  counted apart as **referrals awaiting acceptance** (ARCHITECTURE.md, vocabulary).
- A case's **clinician** is the clinician of its most recent attended contact; an open case with no attended
  contact is "not yet seen". There is no lead-clinician field on a case.
- A case's **grouping** for the filter is that of its open allocation, or for a closed case that of the
  allocation that ended last (a discharge ends the open one).
- **Overdue review**: the open allocation's review due date is before today (groupings.reviews.is_overdue);
  **due soon**: due today or within the next DUE_SOON_DAYS days (groupings.reviews, the horizon of "my reviews" too).
- **Current View without an allocation**: an open case whose latest Current View (by completed date) has no
  allocation started on or after the day it was completed, so the grouping does not yet follow from it.
- A **period** is calendar months in Europe/London: the last N months counts the current month (to date) and
  the N - 1 before it; a month `YYYY-MM` is that month alone.
"""

import datetime as dt
from dataclasses import dataclass
from typing import cast

from django.db.models import (
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from accounts.models import Team, User
from assessments.models import Case, CaseQuerySet, CurrentView
from assessments.selectors import attended_contacts, current_views_latest_first, lead_clinician
from camhs_pbr.lib.service_time import day_start
from dashboards.case_sets import CaseSet, register
from groupings.models import Allocation, Grouping, SuperGroup
from groupings.reviews import DUE_SOON_DAYS, due_soon_until
from groupings.selectors import overdue_condition
from reports.periods import Month

PERIOD_CHOICES = (("3m", "Last 3 months"), ("6m", "Last 6 months"), ("12m", "Last 12 months"))
DEFAULT_PERIOD = "12m"
TREND_MONTHS = 12


@dataclass(frozen=True)
class Period:
    """Whole calendar months, the last of them possibly still running (then `last` is today)."""

    text: str  # as in the URL: "12m" or "2026-03"
    label: str
    months: tuple[Month, ...]
    last: dt.date

    @property
    def first(self) -> dt.date:
        return self.months[0].first

    @property
    def last_month(self) -> Month:
        return self.months[-1]

    @classmethod
    def parse(cls, text: str, today: dt.date) -> "Period":
        """The period of a URL value ("3m", "6m", "12m" or "YYYY-MM"); ValueError with a clear message."""
        this_month = Month.containing(today)
        labels = dict(PERIOD_CHOICES)
        if text in labels:
            months = tuple(this_month.trailing(int(text.removesuffix("m"))))
            return cls(text, labels[text], months, today)
        month = Month.of(text)
        if month.first > today:
            raise ValueError(f"{month.label()} has not started yet: choose this month or an earlier one.")
        return cls(month.label(), f"{month.first:%B %Y}", (month,), min(month.last, today))


@dataclass(frozen=True)
class Filters:
    """What a manager narrowed the dashboard to; every object here is already in the manager's scope."""

    period: Period
    team: Team | None = None
    clinician: User | None = None
    grouping: Grouping | None = None

    def query(self) -> dict[str, str]:
        """The GET parameters that give these filters back (for links, bookmarks and CSV downloads)."""
        values = {
            "team": self.team.pk if self.team else None,
            "clinician": self.clinician.pk if self.clinician else None,
            "grouping": self.grouping.pk if self.grouping else None,
            "period": self.period.text,
        }
        return {key: str(value) for key, value in values.items() if value is not None}


def first_seen() -> Subquery:
    """When the case's first attended contact started (None when never seen)."""
    first = attended_contacts().order_by("starts_at", "pk")
    return Subquery(first.values("starts_at")[:1], output_field=DateTimeField())


def last_seen() -> Subquery:
    """When the case's most recent attended contact started (None when never seen)."""
    latest = attended_contacts().order_by("-starts_at")
    return Subquery(latest.values("starts_at")[:1], output_field=DateTimeField())


def latest_grouping() -> Subquery:
    """The grouping of the case's open allocation, or of the one that ended last."""
    latest = Allocation.objects.filter(case=OuterRef("pk")).order_by(
        F("end_date").desc(nulls_first=True), "-start_date", "-pk"
    )
    return Subquery(latest.values("grouping_id")[:1], output_field=IntegerField())


def open_of(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The open episodes of care among `cases` (accepted, not closed: CaseQuerySet.open_episodes)."""
    return cast(CaseQuerySet, cases).open_episodes()


def awaiting_acceptance(cases: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    """The open referrals among `cases` not yet accepted (CaseQuerySet.awaiting_acceptance)."""
    return cast(CaseQuerySet, cases).awaiting_acceptance()


def dashboard_cases(user: User, filters: Filters) -> QuerySet[Case]:
    """The cases of the user's scope narrowed by the dashboard's team, clinician and grouping filters: every
    panel and every drill-down list reads this (the period narrows each panel by its own date)."""
    cases = Case.objects.visible_to(user)
    if filters.team is not None:
        cases = cases.filter(team=filters.team)
    if filters.clinician is not None:
        cases = cases.alias(lead_clinician=lead_clinician()).filter(lead_clinician=filters.clinician.pk)
    if filters.grouping is not None:
        cases = cases.alias(latest_grouping=latest_grouping()).filter(latest_grouping=filters.grouping.pk)
    return cases


# Weeks since the last attended contact: (slug, label, at least this many days ago, fewer than these days).
SEEN_BANDS: tuple[tuple[str, str, int, int | None], ...] = (
    ("seen-under-2-weeks", "Under 2 weeks", 0, 14),
    ("seen-2-to-4-weeks", "2 to 4 weeks", 14, 28),
    ("seen-4-to-8-weeks", "4 to 8 weeks", 28, 56),
    ("seen-8-to-12-weeks", "8 to 12 weeks", 56, 84),
    ("seen-12-weeks-or-more", "12 weeks or more", 84, None),
)
NOT_YET_SEEN = "not-yet-seen"


def seen_band_condition(low_days: int, high_days: int | None, today: dt.date, field: str = "last_seen") -> Q:
    """Last seen at least `low_days` and fewer than `high_days` London days before today."""
    # Seen fewer than `low` days ago means on or after the start of the day `low - 1` days ago.
    condition = Q(**{f"{field}__lt": day_start(today - dt.timedelta(days=low_days - 1))}) if low_days else Q()
    if high_days is not None:
        condition &= Q(**{f"{field}__gte": day_start(today - dt.timedelta(days=high_days - 1))})
    return condition


def _open_allocation() -> QuerySet[Allocation]:
    return Allocation.objects.open().filter(case=OuterRef("pk"))


def review_overdue(cases: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    return open_of(cases).filter(Exists(_open_allocation().filter(overdue_condition("review_due", today))))


def review_due_soon(cases: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    soon = Q(review_due__gte=today, review_due__lte=due_soon_until(today))
    return open_of(cases).filter(Exists(_open_allocation().filter(soon)))


def without_current_view(cases: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    return open_of(cases).filter(~Exists(CurrentView.objects.filter(case=OuterRef("pk"))))


def current_view_not_allocated(cases: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    latest_view = current_views_latest_first()
    allocated_since = Allocation.objects.filter(case=OuterRef("pk"), start_date__gte=OuterRef("latest_view"))
    return (
        open_of(cases)
        .alias(latest_view=Subquery(latest_view.values("completed_on")[:1]))
        .filter(latest_view__isnull=False)
        .filter(~Exists(allocated_since))
    )


def not_allocated(cases: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    return open_of(cases).filter(~Exists(_open_allocation()))


def not_yet_seen(cases: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    return open_of(cases).filter(~Exists(attended_contacts()))


def _open(cases: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    return open_of(cases)


def _in_super_group(super_group: str) -> CaseSet:
    def select(cases: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
        return open_of(cases).filter(Exists(_open_allocation().filter(grouping__super_group=super_group)))

    return CaseSet(super_group_slug(super_group), f"Open episodes in {super_group}", select)


def super_group_slug(super_group: str) -> str:
    return "open-" + super_group.lower().replace(" ", "-")


def _seen_in_band(slug: str, label: str, low: int, high: int | None) -> CaseSet:
    def select(cases: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
        return open_of(cases).alias(last_seen=last_seen()).filter(seen_band_condition(low, high, today))

    return CaseSet(slug, f"Open episodes last seen {label.lower()} ago", select)


OPEN = "open"
AWAITING_ACCEPTANCE = "awaiting-acceptance"
REVIEW_OVERDUE = "review-overdue"
REVIEW_DUE_SOON = "review-due-soon"
NO_CURRENT_VIEW = "no-current-view"
CURRENT_VIEW_NOT_ALLOCATED = "current-view-not-allocated"
NOT_ALLOCATED = "not-allocated"

register(
    CaseSet(OPEN, "Open episodes", _open),
    CaseSet(AWAITING_ACCEPTANCE, "Referrals awaiting acceptance", awaiting_acceptance),
    CaseSet(NOT_ALLOCATED, "Open episodes not allocated to a grouping", not_allocated),
    *(_in_super_group(super_group) for super_group in SuperGroup.values),
    CaseSet(NOT_YET_SEEN, "Open episodes not yet seen (no attended contact)", not_yet_seen),
    *(_seen_in_band(*band) for band in SEEN_BANDS),
    CaseSet(REVIEW_OVERDUE, "Open episodes with an overdue review", review_overdue),
    CaseSet(REVIEW_DUE_SOON, f"Open episodes with a review due within {DUE_SOON_DAYS} days", review_due_soon),
    CaseSet(NO_CURRENT_VIEW, "Open episodes without a Current View", without_current_view),
    CaseSet(
        CURRENT_VIEW_NOT_ALLOCATED,
        "Open episodes whose latest Current View has no allocation made on or after it",
        current_view_not_allocated,
    ),
)
