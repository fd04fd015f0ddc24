"""Data-quality figures of the managers' dashboard (issue 16): how complete each team's records are, check by
check, each failing count one click from the cases behind it.

Each check is defined once: a population (the cases it applies to on a day, or closed in a window) and a
failing condition, both database conditions on cases. The check's `CaseSet` (dashboards.case_sets) selects the
failing cases of the panel's window for the drill-down list; `panel` and `trend` count the same conditions.

Decisions (PROPOSED where the sources give no rule):
- The records checked on day D are the open referrals on D (`assessments.models.records.open_referral_on`,
  on today exactly `Case.objects.open_referrals()`): referrals awaiting acceptance count, since their records
  need the same details. The checks' labels say "open referrals".
- Ethnic category: "99" (Not known: not asked) and blank are missing; "Z" (Not stated: asked and declined)
  is a recorded answer. Gender: "X" (Not known, not recorded) and blank are missing; "9" (Indeterminate) is
  a recorded classification.
- NHS number: missing when blank or when it fails the Modulus 11 check (SPEC §7); the database already
  refuses blanks, the check digit is only checked by the forms and services.
- A Current View by the second attended contact (SPEC §1, "a patient is clustered by the second contact"):
  one completed on or before the (Europe/London) day of the case's second attended contact.
- A review on time: the allocation in force is not overdue (groupings.selectors.overdue_condition, the rule
  of groupings.reviews.is_overdue); a review makes a new allocation, so there is no separate review record.
- A paired outcome measure (the pair of assessments.outcomes.first_and_latest and the outcome report): two
  non-missing scores of one scale of one measure from one informant. "Near discharge" is not required: the
  project has no window for it, and one would be reference data, not a constant here.
- The panel's window for closed episodes is the trend's: from the first day of the month 11 months before
  today's month to today. Episodes are accepted referrals, as in the outcome report.

History (the trend, as of each month end, or today for the current month): contacts, Current Views,
allocations and closures are dated, so checks 5-8 are reconstructed. NHS number, ethnic category, postcode
and gender are current values with no history kept: the trend shows them for the current month only.
Reopened cases count as open throughout (their earlier closure lives in CaseReopening, not read here).
"""

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode

from django.db.models import (
    Case as When_,
)
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Mod, Substr, TruncDate
from django.db.models.lookups import Exact

from assessments.choices import EthnicCategory, Gender
from assessments.models import Case, CurrentView, MeasureScore, open_referral_on
from assessments.selectors import attended_contacts
from camhs_pbr.lib.charts import Chart, line_chart
from camhs_pbr.lib.db import without_jit
from dashboards import case_sets
from dashboards.case_sets import CaseSet
from groupings.selectors import overdue_condition
from reports.periods import Month, allocations_in_force

TREND_MONTHS = 12
MISSING_ETHNIC_CATEGORIES = ("", EthnicCategory.NOT_KNOWN.value)
MISSING_GENDERS = ("", Gender.NOT_KNOWN.value)


@dataclass(frozen=True)
class Window:
    """The days a figure is computed over: closures between `start` and `end`; everything else on `end`."""

    start: dt.date
    end: dt.date


Condition = Callable[[Window], Q]
# Per-case facts (subqueries) for the given days, by name: computed once per case when the trend counts
# over them, rather than once per condition that reads them and per month.
Facts = Callable[[Sequence[dt.date]], dict[str, Subquery | Exists]]


def no_facts(days: Sequence[dt.date]) -> dict[str, Subquery | Exists]:
    """A check whose conditions read only the case's own columns."""
    return {}


@dataclass(frozen=True)
class Check:
    case_set: CaseSet
    heading: str  # the column heading, e.g. "NHS number"
    population_label: str  # what the percentage is of, e.g. "open referrals"
    population: Condition
    failing: Condition  # among the population
    historical: bool  # whether the trend can reconstruct it as of a past day
    # The per-case facts its conditions read by name, for the days asked (then the trend counts over them).
    facts: Facts = no_facts

    @property
    def slug(self) -> str:
        return self.case_set.slug


# Conditions -----------------------------------------------------------------------------------------------


def _caseload(window: Window) -> Q:
    return open_referral_on(window.end)


def _invalid_nhs_number(_: Window) -> Q:
    # SPEC §7: weights 10..2 on digits 1-9, valid when (weighted sum + digit 10) is a multiple of 11.
    digits = [Cast(Substr("patient__nhs_number", i, 1), IntegerField()) for i in range(1, 11)]
    weighted = sum(
        (digit * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)), digits[9]
    )
    remainder = When_(  # a CASE, so that the cast is only reached for ten digits
        When(patient__nhs_number__regex=r"^[0-9]{10}$", then=Mod(weighted, 11)),
        default=Value(-1),
        output_field=IntegerField(),
    )
    return Q(patient__nhs_number="") | ~Q(Exact(remainder, 0))


def _missing_ethnic_category(_: Window) -> Q:
    return Q(patient__ethnic_category__in=MISSING_ETHNIC_CATEGORIES)


def _missing_postcode(_: Window) -> Q:
    return Q(patient__postcode="")


def _missing_gender(_: Window) -> Q:
    return Q(patient__gender__in=MISSING_GENDERS)


def second_attended_day() -> Subquery:
    """The local day of the case's second attended contact (NULL when it has fewer). It is on or before a day D
    exactly when the case had two attended contacts by D, so one value per case serves every month."""
    attended = attended_contacts().order_by("starts_at", "pk")
    return Subquery(attended.annotate(day=TruncDate("starts_at")).values("day")[1:2])


def contact_facts(days: Sequence[dt.date] = ()) -> dict[str, Subquery | Exists]:
    """The day of the second attended contact and whether a Current View was completed by then: one value per
    case serves every day."""
    by_second = CurrentView.objects.filter(
        case=OuterRef("pk"), completed_on__lte=OuterRef("second_attended_day")
    )
    return {"second_attended_day": second_attended_day(), "current_view_by_second": Exists(by_second)}


def _allocated_on(day: dt.date) -> str:
    return f"allocated_on_{day:%Y%m%d}"


def _overdue_on(day: dt.date) -> str:
    return f"review_overdue_on_{day:%Y%m%d}"


def allocation_facts(days: Sequence[dt.date]) -> dict[str, Subquery | Exists]:
    """The day of the first Current View (one had been completed by D exactly when it is on or before D) and,
    for each day, whether an allocation was in force."""
    first_view = (
        CurrentView.objects.filter(case=OuterRef("pk")).order_by("completed_on").values("completed_on")
    )
    return {
        "first_current_view_on": Subquery(first_view[:1]),
        **{_allocated_on(day): Exists(allocations_in_force(day, case=OuterRef("pk"))) for day in days},
    }


def review_facts(days: Sequence[dt.date]) -> dict[str, Subquery | Exists]:
    """For each day, whether an allocation was in force and whether it was overdue for review."""
    found: dict[str, Subquery | Exists] = {}
    for day in days:
        in_force = allocations_in_force(day, case=OuterRef("pk"))
        found[_allocated_on(day)] = Exists(in_force)
        found[_overdue_on(day)] = Exists(in_force.filter(overdue_condition("review_due", day)))
    return found


def _two_attended_contacts(window: Window) -> Q:
    return _caseload(window) & Q(second_attended_day__lte=window.end)


def _no_current_view_by_second_contact(window: Window) -> Q:
    return Q(current_view_by_second=False)


def _with_current_view(window: Window) -> Q:
    return _caseload(window) & Q(first_current_view_on__lte=window.end)


def _no_allocation(window: Window) -> Q:
    return Q(**{_allocated_on(window.end): False})


def _allocated(window: Window) -> Q:
    return _caseload(window) & Q(**{_allocated_on(window.end): True})


def _review_overdue(window: Window) -> Q:
    return Q(**{_overdue_on(window.end): True})


def _closed_episodes(window: Window) -> Q:
    return Q(accepted_date__isnull=False, closed_date__gte=window.start, closed_date__lte=window.end)


def _no_paired_measure(_: Window) -> Q:
    scales_scored_twice = (
        MeasureScore.objects.filter(response__case=OuterRef("pk"), value__isnull=False)
        .values("response__measure", "response__informant", "scale")
        .annotate(scores=Count("pk"))
        .filter(scores__gte=2)
    )
    return ~Q(Exists(scales_scored_twice))


# The checks -----------------------------------------------------------------------------------------------


def panel_window(today: dt.date) -> Window:
    """The panel's window: the trend's twelve months, up to today."""
    return Window(Month.containing(today).trailing(TREND_MONTHS)[0].first, today)


def _check(
    slug: str,
    heading: str,
    list_label: str,
    population_label: str,
    population: Condition,
    failing: Condition,
    historical: bool,
    facts: Facts = no_facts,
) -> Check:
    def select(cases: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
        window = panel_window(today)
        return cases.alias(**facts([window.end])).filter(population(window), failing(window))

    return Check(
        CaseSet(slug, list_label, select),
        heading,
        population_label,
        population,
        failing,
        historical,
        facts,
    )


CHECKS: tuple[Check, ...] = (
    _check(
        "quality-nhs-number",
        "NHS number",
        "Open referrals without a valid NHS number",
        "open referrals",
        _caseload,
        _invalid_nhs_number,
        historical=False,
    ),
    _check(
        "quality-ethnic-category",
        "Ethnic category",
        "Open referrals without an ethnic category",
        "open referrals",
        _caseload,
        _missing_ethnic_category,
        historical=False,
    ),
    _check(
        "quality-postcode",
        "Postcode",
        "Open referrals without a postcode",
        "open referrals",
        _caseload,
        _missing_postcode,
        historical=False,
    ),
    _check(
        "quality-gender",
        "Gender",
        "Open referrals without a gender",
        "open referrals",
        _caseload,
        _missing_gender,
        historical=False,
    ),
    _check(
        "quality-current-view-by-second-contact",
        "Current View by 2nd contact",
        "Open referrals without a Current View by their second attended contact",
        "open referrals with two attended contacts",
        _two_attended_contacts,
        _no_current_view_by_second_contact,
        historical=True,
        facts=contact_facts,
    ),
    _check(
        "quality-allocation",
        "Allocation",
        "Open referrals with a Current View but no allocation",
        "open referrals with a Current View",
        _with_current_view,
        _no_allocation,
        historical=True,
        facts=allocation_facts,
    ),
    _check(
        "quality-review-on-time",
        "Review on time",
        "Open referrals whose allocation is overdue for review",
        "open referrals with an allocation",
        _allocated,
        _review_overdue,
        historical=True,
        facts=review_facts,
    ),
    _check(
        "quality-paired-outcome",
        "Paired outcome measure",
        "Episodes closed in the last 12 months without a paired outcome measure",
        "episodes closed in the last 12 months",
        _closed_episodes,
        _no_paired_measure,
        historical=True,
    ),
)
case_sets.register(*(check.case_set for check in CHECKS))


# Pure rules -----------------------------------------------------------------------------------------------


def completeness(population: int, failing: int) -> float | None:
    """The share of the population passing, in %, rounded DOWN to one decimal so that a figure with any
    failing case never reads 100%; None for an empty population (nothing to be complete about)."""
    if not 0 <= failing <= population:
        raise ValueError(f"failing ({failing}) must lie between 0 and the population ({population})")
    if population == 0:
        return None
    return math.floor(1000 * (population - failing) / population) / 10


def _worst_key(percent: float | None, failing: int) -> tuple[bool, float, int]:
    # An empty population has nothing to fix: after every figure; then lowest completeness, most failing.
    return (percent is None, percent if percent is not None else 0.0, -failing)


def as_of(month: Month, today: dt.date) -> dt.date:
    """The day a month's figure is read on: its last day, or today for the month still running."""
    return min(month.last, today)


def trend_months(today: dt.date) -> list[Month]:
    return Month.containing(today).trailing(TREND_MONTHS)


def month_window(month: Month, today: dt.date) -> Window:
    """A month of the trend: closures within the month (to today), everything else as of its end."""
    return Window(month.first, as_of(month, today))


def drill_down_query(team_id: int | None, filter_query: str) -> str:
    """The drill-down list's query string: the page's current filters, narrowed to `team_id` when given
    (a team row) or left as they are (the all-teams row)."""
    pairs = parse_qsl(filter_query, keep_blank_values=True)
    if team_id is not None:
        pairs = [(key, value) for key, value in pairs if key != "team"] + [("team", str(team_id))]
    return urlencode(pairs)


# The panel ------------------------------------------------------------------------------------------------


def _counts(n: int, check: Check, window: Window) -> dict[str, Count]:
    """Conditional counts `p<n>` (the population) and `f<n>` (failing) of one check over one window."""
    population = check.population(window)
    return {
        f"p{n}": Count("pk", filter=population),
        f"f{n}": Count("pk", filter=population & check.failing(window)),
    }


@dataclass(frozen=True)
class QualityRow:
    team_id: int | None  # None: all teams of the page
    team: str
    slug: str
    check: str
    population: int
    failing: int

    @property
    def percent(self) -> float | None:
        return completeness(self.population, self.failing)


def worst_first(rows: Iterable[QualityRow]) -> list[QualityRow]:
    """Lowest completeness first, then the most failing cases, then team and check order; empty last."""
    order = {check.slug: n for n, check in enumerate(CHECKS)}
    return sorted(
        rows,
        key=lambda row: (*_worst_key(row.percent, row.failing), row.team, order.get(row.slug, len(order))),
    )


def panel(cases: QuerySet[Case], today: dt.date) -> list[QualityRow]:
    """Per team of `cases` (already scoped and filtered) and per check: population and failing cases, worst
    first. One query whatever the number of teams and cases (and PostgreSQL's JIT switched off for it)."""
    window = panel_window(today)
    counts: dict[str, Count] = {}
    read: dict[str, Subquery | Exists] = {}
    for n, check in enumerate(CHECKS):
        counts |= _counts(n, check, window)
        read |= check.facts([window.end])
    with without_jit():
        per_team = list(
            cast(
                Iterable[dict[str, Any]],
                cases.alias(**read).order_by().values("team_id", "team__name").annotate(**counts),
            )
        )
    return worst_first(
        QualityRow(
            team["team_id"], team["team__name"], check.slug, check.heading, team[f"p{n}"], team[f"f{n}"]
        )
        for team in per_team
        for n, check in enumerate(CHECKS)
    )


@dataclass(frozen=True)
class Cell:
    check: Check
    row: QualityRow
    query: str  # the drill-down list's query string

    @property
    def percent(self) -> float | None:
        return self.row.percent


@dataclass(frozen=True)
class TableRow:
    team: str
    is_total: bool
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class QualityTable:
    checks: tuple[Check, ...]  # the columns, worst check first over all teams
    rows: tuple[TableRow, ...]  # worst team first, then the all-teams total


def quality_table(rows: Sequence[QualityRow], filter_query: str) -> QualityTable:
    """Teams x checks for the partial: columns worst check first, rows worst team first (by its worst
    figure), and an all-teams row of summed counts; each cell with its drill-down query."""
    by_key = {(row.team_id, row.slug): row for row in rows}
    totals = {
        check.slug: QualityRow(
            None,
            "All teams",
            check.slug,
            check.heading,
            sum(row.population for row in rows if row.slug == check.slug),
            sum(row.failing for row in rows if row.slug == check.slug),
        )
        for check in CHECKS
    }
    columns = tuple(sorted(CHECKS, key=lambda check: _worst_key(totals[check.slug].percent, 0)[:2]))
    teams: dict[int | None, str] = {}
    for row in worst_first(rows):  # a team's first row is its worst figure
        teams.setdefault(row.team_id, row.team)

    def cells(team_id: int | None) -> tuple[Cell, ...]:
        chosen = [
            (check, totals[check.slug] if team_id is None else by_key[(team_id, check.slug)])
            for check in columns
        ]
        return tuple(Cell(check, row, drill_down_query(row.team_id, filter_query)) for check, row in chosen)

    table_rows = [TableRow(name, False, cells(team_id)) for team_id, name in teams.items()]
    if teams:
        table_rows.append(TableRow("All teams", True, cells(None)))
    return QualityTable(columns, tuple(table_rows))


# The trend ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    month: Month
    as_of: dt.date
    population: int
    failing: int

    @property
    def percent(self) -> float | None:
        return completeness(self.population, self.failing)


@dataclass(frozen=True)
class TrendRow:
    check: Check
    points: tuple[TrendPoint | None, ...]  # one per month, oldest first; None where it has no history
    chart: Chart

    @property
    def latest(self) -> TrendPoint | None:
        """The latest month with a figure (a month without cases in the population has none)."""
        return next((p for p in reversed(self.points) if p is not None and p.population), None)


@dataclass(frozen=True)
class QualityTrend:
    months: tuple[Month, ...]
    rows: tuple[TrendRow, ...]  # worst check first (by the latest month)


TrendCounts = dict[str, tuple[tuple[int, int], ...]]  # check slug -> (population, failing) per month shown


def trend_counts(cases: QuerySet[Case], today: dt.date) -> TrendCounts:
    """Population and failing cases of each check as of each month of the trend (the current month only for
    checks without history): one query per check (PostgreSQL's JIT switched off)."""
    months = trend_months(today)
    result = {}
    with without_jit():
        for check in CHECKS:
            shown = months if check.historical else months[-1:]
            counts: dict[str, Count] = {}
            windows = [month_window(month, today) for month in shown]
            for n, window in enumerate(windows):
                counts |= _counts(n, check, window)
            # Counting over the facts makes Django select them in a subquery first; DISTINCT (on rows that
            # are distinct anyway) keeps PostgreSQL from merging that subquery into the counts, which would
            # run the facts' lookups again for every month.
            read = check.facts([window.end for window in windows])
            counted = cases.order_by().annotate(**read).distinct() if read else cases.order_by()
            figures = counted.aggregate(**counts)
            result[check.slug] = tuple((figures[f"p{n}"], figures[f"f{n}"]) for n in range(len(shown)))
    return result


def trend_of(counts: TrendCounts, today: dt.date) -> QualityTrend:
    """The trend's rows (worst check first, each with its chart) from `trend_counts`."""
    months = trend_months(today)
    rows = []
    for check in CHECKS:
        figures = counts[check.slug]
        shown = months[len(months) - len(figures) :]
        computed = [
            TrendPoint(month, as_of(month, today), population, failing)
            for month, (population, failing) in zip(shown, figures, strict=True)
        ]
        points = (None,) * (len(months) - len(shown)) + tuple(computed)
        rows.append(TrendRow(check, points, _chart(check, points)))
    return QualityTrend(tuple(months), tuple(worst_checks_first(rows)))


def trend(cases: QuerySet[Case], today: dt.date) -> QualityTrend:
    """Completeness of each check over the last 12 months of `cases` (scoped and filtered), as of each month
    end; checks without history only for the current month. One query per check."""
    return trend_of(trend_counts(cases, today), today)


def worst_checks_first(rows: Iterable[TrendRow]) -> list[TrendRow]:
    """Lowest completeness in the latest month with a figure first; checks without any figure last; ties
    by more failing cases, then check order."""
    order = {check.slug: n for n, check in enumerate(CHECKS)}

    def key(row: TrendRow) -> tuple:
        latest = row.latest
        percent = latest.percent if latest else None
        return (*_worst_key(percent, latest.failing if latest else 0), order.get(row.check.slug, len(order)))

    return sorted(rows, key=key)


def _chart(check: Check, points: Sequence[TrendPoint | None]) -> Chart:
    series = [(point.as_of, point.percent) for point in points if point is not None]
    return line_chart({check.heading: series}, 0, 100)  # type: ignore[dict-item]  # percents are floats


def figures(cases: QuerySet[Case], today: dt.date) -> dict[str, Any]:
    """The tab's counts as plain values (what the dashboard keeps in the cache): the panel's rows and the
    trend's counts."""
    return {"panel": panel(cases, today), "trend": trend_counts(cases, today)}


def presented(counts: dict[str, Any], today: dt.date, filter_query: str) -> dict[str, Any]:
    """What templates/dashboards/_data_quality.html reads, from `figures`."""
    return {
        "quality": quality_table(counts["panel"], filter_query),
        "quality_trend": trend_of(counts["trend"], today),
        "filter_query": filter_query,
    }
