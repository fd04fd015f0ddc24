"""The manager dashboard's panels: each aggregates `dashboard_cases` in SQL with a fixed number of queries,
whatever the caseload, and returns its table (dashboards.figures.Table) with its chart.

Open episodes are episodes of care: accepted and not closed (`Case.objects.open_episodes()`); referrals
awaiting acceptance are counted on their own. Each count of cases links to the drill-down list of its case
set (dashboards.cases), narrowed by the same filters.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, cast
from urllib.parse import urlencode

from django.db.models import Case as When_
from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncDate, TruncMonth
from django.urls import reverse

from accounts.models import Team, User
from assessments.models import Case, CaseQuerySet, Contact
from assessments.models.records import AWAITING_ACCEPTANCE, OPEN_EPISODE
from camhs_pbr.lib.charts import BarChart, Chart, bar_chart, line_chart
from camhs_pbr.lib.numbers import Kind
from camhs_pbr.lib.service_time import day_start, service_day, service_zone
from dashboards import case_sets
from dashboards import cases as d
from dashboards.figures import (
    NOT_ALLOCATED_LABEL,
    GroupingCount,
    Row,
    Table,
    agreement,
    by_super_group,
    waiting_by_team,
    waiting_days,
)
from groupings.models import Allocation, Grouping, open_allocation
from groupings.selectors import with_current_grouping
from reports import costing
from reports.cost_report import ATTENDED, costed, in_month, reference_contact_cost
from reports.periods import Month, allocations_in_force, with_grouping_pk_for

LIST_LENGTH = 10


@dataclass(frozen=True)
class Context:
    """What every panel reads: the filtered cases, the filters, today and the user's teams."""

    user: User
    filters: d.Filters
    today: dt.date
    cases: QuerySet[Case]

    def dashboard_link(self, **changes: object) -> str:
        """The dashboard narrowed further (e.g. team=<id>): a service manager's drill to a team."""
        return f"{reverse('dashboards:dashboard')}?{self._query(changes)}"

    def cases_link(self, slug: str, **changes: object) -> str:
        """The drill-down list of a case set under these filters (and `changes`)."""
        return f"{reverse('dashboards:dashboard_cases', args=[slug])}?{self._query(changes)}"

    def query_string(self) -> str:
        """The filters as a query string (without "?")."""
        return self._query({})

    def _query(self, changes: dict[str, object]) -> str:
        query: dict[str, object] = {**self.filters.query(), **changes}
        return urlencode({key: value for key, value in query.items() if value is not None})


def context_for(user: User, filters: d.Filters, today: dt.date) -> Context:
    return Context(user, filters, today, d.dashboard_cases(user, filters))


@dataclass(frozen=True)
class Panel:
    table: Table
    bars: BarChart | None = None
    lines: Chart | None = None


def open_by_grouping(ctx: Context) -> Panel:
    """Open episodes per grouping of their open allocation, and those not allocated."""
    rows = (
        d.open_of(ctx.cases)
        .annotate(open_allocation=FilteredRelation("allocations", condition=open_allocation("allocations__")))
        .values(
            "open_allocation__grouping_id",
            "open_allocation__grouping__code",
            "open_allocation__grouping__name",
            "open_allocation__grouping__super_group",
        )
        .annotate(count=Count("pk"))
        .order_by("open_allocation__grouping__code")
    )
    table_rows = []
    counts = []
    for row in rows:
        pk, code = row["open_allocation__grouping_id"], row["open_allocation__grouping__code"]
        counts.append(
            GroupingCount(
                code,
                row["open_allocation__grouping__name"] or "",
                row["open_allocation__grouping__super_group"],
                row["count"],
            )
        )
        if pk is None:
            continue
        table_rows.append(
            Row(
                (
                    code,
                    row["open_allocation__grouping__name"],
                    row["open_allocation__grouping__super_group"],
                    row["count"],
                ),
                (ctx.dashboard_link(grouping=pk), None, None, ctx.cases_link(d.OPEN, grouping=pk)),
            )
        )
    not_allocated = sum(c.count for c in counts if c.code is None)
    table_rows.append(
        Row((NOT_ALLOCATED_LABEL, "", "", not_allocated), (None, None, None, ctx.cases_link(d.NOT_ALLOCATED)))
    )
    table = Table(
        "open-by-grouping",
        "Open episodes by grouping",
        ("Grouping", "Name", "Super-group", "Open episodes"),
        tuple(table_rows),
        note="The grouping of each open episode's open allocation.",
    )
    return Panel(table, bars=bar_chart([(str(r.cells[0]), float(r.cells[3] or 0)) for r in table_rows]))


def open_by_super_group(ctx: Context, by_grouping: Table | None = None) -> Panel:
    """Open episodes per super-group (rolled up from the grouping table)."""
    grouping_table = by_grouping or open_by_grouping(ctx).table
    counts = [
        GroupingCount(
            None if row.cells[0] == NOT_ALLOCATED_LABEL else str(row.cells[0]),
            "",
            _text(row.cells[2]),
            _int(row.cells[3]),
        )
        for row in grouping_table.rows
    ]
    rows = tuple(
        Row(
            (super_group, count),
            (
                None,
                ctx.cases_link(
                    d.NOT_ALLOCATED if super_group == NOT_ALLOCATED_LABEL else d.super_group_slug(super_group)
                ),
            ),
        )
        for super_group, count in by_super_group(counts)
    )
    table = Table(
        "open-by-super-group", "Open episodes by super-group", ("Super-group", "Open episodes"), rows
    )
    return Panel(table, bars=bar_chart([(str(r.cells[0]), float(r.cells[1] or 0)) for r in rows]))


def caseload_by_clinician(ctx: Context) -> Panel:
    """Open episodes per clinician (of the most recent attended contact), those not yet seen, and the
    referrals awaiting acceptance (counted apart: they are not yet episodes)."""
    counts = list(
        cast(CaseQuerySet, ctx.cases)
        .open_referrals()
        .annotate(lead=d.lead_clinician())
        .values("lead")
        .annotate(count=Count("pk", filter=OPEN_EPISODE), awaiting=Count("pk", filter=AWAITING_ACCEPTANCE))
        .order_by()
    )
    ids = [row["lead"] for row in counts if row["lead"] is not None]
    users = {
        user.pk: user for user in User.objects.filter(pk__in=ids).only("first_name", "last_name", "username")
    }
    seen = sorted(
        ((users[row["lead"]], row["count"]) for row in counts if row["lead"] is not None and row["count"]),
        key=lambda pair: (-pair[1], pair[0].display_name, pair[0].pk),
    )
    rows = [
        Row(
            (user.display_name, count),
            (ctx.dashboard_link(clinician=user.pk), ctx.cases_link(d.OPEN, clinician=user.pk)),
        )
        for user, count in seen
    ]
    not_seen = sum(row["count"] for row in counts if row["lead"] is None)
    rows.append(Row(("Not yet seen", not_seen), (None, ctx.cases_link(d.NOT_YET_SEEN))))
    bars = bar_chart([(str(r.cells[0]), float(r.cells[1] or 0)) for r in rows])
    awaiting = sum(row["awaiting"] for row in counts)
    rows.append(
        Row(("Referrals awaiting acceptance", awaiting), (None, ctx.cases_link(d.AWAITING_ACCEPTANCE)))
    )
    table = Table(
        "caseload",
        "Caseload per clinician",
        ("Clinician", "Open episodes"),
        tuple(rows),
        note="An open episode (accepted, not closed) counts under the clinician of its most recent attended "
        "contact; open episodes with no attended contact count under \u201cNot yet seen\u201d. Referrals "
        "not yet accepted are not episodes: the last row counts them apart.",
    )
    return Panel(table, bars=bars)


def activity_by_month(ctx: Context) -> Panel:
    """Referrals, first attended contacts and discharges per month, over the 12 months to the period's end."""
    months = ctx.filters.period.last_month.trailing(d.TREND_MONTHS)
    first, last = months[0].first, months[-1].last
    referrals = _per_month(
        ctx.cases.filter(referral_date__range=(first, last)).annotate(month=TruncMonth("referral_date"))
    )
    discharges = _per_month(
        ctx.cases.filter(closed_date__range=(first, last)).annotate(month=TruncMonth("closed_date"))
    )
    # Each case's first attended contact is selected once in a subquery, then counted month by month
    # (DISTINCT keeps PostgreSQL from merging the subquery into each month's count).
    first_seen = (
        ctx.cases.order_by()
        .annotate(first_seen=d.first_seen())
        .distinct()
        .aggregate(
            **{
                f"m{n}": Count("pk", filter=Q(first_seen__gte=day_start(m.first), first_seen__lt=_after(m)))
                for n, m in enumerate(months)
            }
        )
    )
    seen = {month.first: first_seen[f"m{n}"] for n, month in enumerate(months)}
    rows = tuple(
        Row(
            (
                month.label(),
                referrals.get(month.first, 0),
                seen.get(month.first, 0),
                discharges.get(month.first, 0),
            )
        )
        for month in months
    )
    top = max([max(int(str(cell)) for cell in row.cells[1:]) for row in rows] + [1])
    series: dict[str, list[tuple[dt.date, int | None]]] = {
        name: [(month.first, int(str(row.cells[i]))) for month, row in zip(months, rows, strict=True)]
        for i, name in ((1, "Referrals"), (2, "First attended contacts"), (3, "Discharges"))
    }
    table = Table(
        "activity",
        "Referrals, first attended contacts and discharges by month",
        ("Month", "Referrals", "First attended contacts", "Discharges"),
        rows,
        note="Referrals by referral date, first attended contacts by their London date, discharges by closed date.",
    )
    return Panel(table, lines=line_chart(series, 0, top))


def _after(month: Month) -> dt.datetime:
    """Midnight (London) after the month's last day."""
    return day_start(month.last + dt.timedelta(days=1))


def _per_month(cases: QuerySet[Any]) -> dict[dt.date, int]:
    rows = cases.values("month").annotate(count=Count("pk")).order_by()
    return {_as_date(row["month"]): row["count"] for row in rows}


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return service_day(value) if value.tzinfo else value.date()
    return value


def waiting_times(ctx: Context) -> Panel:
    """Per team: cases first seen in the period, median and 90th percentile of days from referral."""
    period = ctx.filters.period
    start, end = day_start(period.first), day_start(period.last + dt.timedelta(days=1))
    # First seen in the period: seen in it and never before it (two index probes, not the first contact's
    # lookup again in each condition).
    seen = (
        ctx.cases.filter(
            Exists(d.attended_contacts().filter(starts_at__gte=start, starts_at__lt=end)),
            ~Exists(d.attended_contacts().filter(starts_at__lt=start)),
        )
        .annotate(first_day=TruncDate(d.first_seen(), tzinfo=service_zone()))
        .order_by()
        .values_list("team_id", "referral_date", "first_day")
    )
    team_ids, referred, first_days = zip(*seen, strict=True) if seen else ((), (), ())
    waits = waiting_by_team(list(team_ids), waiting_days(list(referred), list(first_days)))
    names = _team_names(ctx)
    rows = tuple(
        Row(
            (names.get(wait.team_id, "?"), wait.cases, wait.median_days, wait.p90_days),
            (ctx.dashboard_link(team=wait.team_id),),
        )
        for wait in waits
    )
    table = Table(
        "waiting",
        f"Days from referral to first attended contact ({period.label})",
        ("Team", "Cases first seen", "Median days", "90th percentile days"),
        rows,
        kinds=(Kind.TEXT, Kind.COUNT, Kind.MEAN, Kind.MEAN),
        note="Cases whose first attended contact falls in the period; percentiles interpolate (numpy linear).",
    )
    return Panel(table, bars=bar_chart([(str(r.cells[0]), float(r.cells[2] or 0)) for r in rows]))


def _team_names(ctx: Context) -> dict[int, str]:
    return dict(Team.objects.in_scope_of(ctx.user).values_list("pk", "name"))


def last_seen_bands(ctx: Context) -> Panel:
    """Open episodes by weeks since their last attended contact, and those never seen."""
    # Counted over the last-seen time of each case, selected once in a subquery (DISTINCT keeps PostgreSQL
    # from merging it into the counts, which would look it up again for every band).
    conditions = {slug: d.seen_band_condition(low, high, ctx.today) for slug, _, low, high in d.SEEN_BANDS}
    counts = (
        d.open_of(ctx.cases)
        .order_by()
        .annotate(last_seen=d.last_seen())
        .distinct()
        .aggregate(
            **{slug: Count("pk", filter=condition) for slug, condition in conditions.items()},
            **{d.NOT_YET_SEEN: Count("pk", filter=Q(last_seen__isnull=True))},
        )
    )
    bands = [(slug, label) for slug, label, _, _ in d.SEEN_BANDS] + [(d.NOT_YET_SEEN, "Never seen")]
    rows = tuple(Row((label, counts.get(slug, 0)), (None, ctx.cases_link(slug))) for slug, label in bands)
    table = Table(
        "last-seen",
        "Open episodes by weeks since the last attended contact",
        ("Since last attended contact", "Open episodes"),
        rows,
    )
    return Panel(table, bars=bar_chart([(str(r.cells[0]), float(r.cells[1] or 0)) for r in rows]))


@dataclass(frozen=True)
class CaseList:
    slug: str
    label: str
    count: int
    link: str
    first: list[Any]  # the first LIST_LENGTH cases, soonest due first


def reviews(ctx: Context) -> tuple[Panel, list[CaseList]]:
    """Overdue reviews and reviews due within DUE_SOON_DAYS: counts, and the first cases of each."""
    lists = []
    for slug in (d.REVIEW_OVERDUE, d.REVIEW_DUE_SOON):
        case_set = _case_set(slug)
        selected = case_set.select(ctx.cases, ctx.today)
        annotated: Any = with_current_grouping(
            cast(CaseQuerySet, selected.select_related("patient", "team")), ctx.today
        )
        first = list(annotated.order_by("review_due", "pk")[:LIST_LENGTH])
        lists.append(CaseList(slug, case_set.label, selected.count(), ctx.cases_link(slug), first))
    return _counts_table(ctx, "reviews", "Reviews", lists), lists


def recording(ctx: Context) -> Panel:
    """Open episodes without a Current View, and those whose latest Current View is not yet allocated."""
    lists = []
    for slug in (d.NO_CURRENT_VIEW, d.CURRENT_VIEW_NOT_ALLOCATED):
        case_set = _case_set(slug)
        lists.append(
            CaseList(
                slug, case_set.label, case_set.select(ctx.cases, ctx.today).count(), ctx.cases_link(slug), []
            )
        )
    panel = _counts_table(ctx, "recording", "Current Views and allocations", lists)
    note = (
        "A Current View is not yet allocated when no allocation of its case started on or after the day it "
        "was completed."
    )
    return Panel(replace(panel.table, note=note))


def _counts_table(ctx: Context, slug: str, title: str, lists: list[CaseList]) -> Panel:
    rows = tuple(Row((case_list.label, case_list.count), (None, case_list.link)) for case_list in lists)
    return Panel(Table(slug, title, ("Cases", "Count"), rows))


def _case_set(slug: str) -> case_sets.CaseSet:
    case_set = case_sets.get(slug)
    assert case_set is not None, f"case set {slug} is registered by dashboards.cases"
    return case_set


FOLLOWED = Q(suggested_grouping__isnull=False, grouping=F("suggested_grouping"))
DIFFERED = Q(suggested_grouping__isnull=False) & ~Q(grouping=F("suggested_grouping"))
NO_SUGGESTION = Q(suggested_grouping__isnull=True)
AGREEMENT_COLUMNS = ("Allocations", "Followed the suggestion", "Differed", "No suggestion", "Share differing")


def _agreement_rows(allocations: QuerySet[Allocation], by: str) -> list[dict[str, Any]]:
    return list(
        allocations.values(by)
        .annotate(
            allocations=Count("pk"),
            followed=Count("pk", filter=FOLLOWED),
            differed=Count("pk", filter=DIFFERED),
            no_suggestion=Count("pk", filter=NO_SUGGESTION),
        )
        .order_by(by)
    )


def _allocations_in_period(ctx: Context) -> QuerySet[Allocation]:
    period = ctx.filters.period
    return Allocation.objects.filter(case__in=ctx.cases, start_date__range=(period.first, period.last))


def suggestions_by_team(ctx: Context) -> Panel:
    """Allocations started in the period per team: how many followed or differed from the suggestion."""
    names = _team_names(ctx)
    rows = []
    for row in _agreement_rows(_allocations_in_period(ctx), "case__team_id"):
        figures = agreement(row)
        rows.append(
            Row(
                (names.get(row["case__team_id"], "?"), *_agreement_cells(figures)),
                (ctx.dashboard_link(team=row["case__team_id"]),),
            )
        )
    return Panel(_agreement_table("suggestions-by-team", "team", ctx, rows))


def suggestions_by_clinician(ctx: Context) -> Panel:
    """Allocations started in the period per clinician who made them."""
    counted = _agreement_rows(_allocations_in_period(ctx), "allocated_by_id")
    ids = [row["allocated_by_id"] for row in counted]
    users = {
        user.pk: user for user in User.objects.filter(pk__in=ids).only("first_name", "last_name", "username")
    }
    rows = [
        Row((users[row["allocated_by_id"]].display_name, *_agreement_cells(agreement(row))))
        for row in counted
    ]
    rows.sort(key=lambda row: str(row.cells[0]))
    return Panel(_agreement_table("suggestions-by-clinician", "clinician", ctx, rows))


def _agreement_cells(figures: Any) -> tuple[int, int, int, int, float | None]:
    return (
        figures.allocations,
        figures.followed,
        figures.differed,
        figures.no_suggestion,
        figures.share_differed,
    )


def _agreement_table(slug: str, by: str, ctx: Context, rows: list[Row]) -> Table:
    return Table(
        slug,
        f"Allocations against the suggestion by {by} ({ctx.filters.period.label})",
        (by.capitalize(), *AGREEMENT_COLUMNS),
        tuple(rows),
        kinds=(Kind.TEXT, Kind.COUNT, Kind.COUNT, Kind.COUNT, Kind.COUNT, Kind.SHARE),
        note="Allocations started in the period. The share differing is of the allocations made with a "
        "suggestion.",
    )


COST_COLUMNS = (
    "Grouping",
    "Open episodes",
    "Attended contacts",
    "Cost this month (£)",
    "Cost per open episode (£)",
    "Indicative price per episode (£)",
    "Variance per episode (£)",
)
COST_KINDS = (Kind.TEXT, Kind.COUNT, Kind.COUNT, Kind.MONEY, Kind.MONEY, Kind.MONEY, Kind.MONEY)


def cost_this_month(ctx: Context) -> Panel:
    """Per grouping (for the month, reports.periods): the cost of the month's attended contacts against the
    indicative price of an episode (costing.indicative_price at the reference contact cost in force)."""
    month = ctx.filters.period.last_month
    title = f"Cost in {month.first:%B %Y} against the indicative price"
    contacts = costed(in_month(Contact.objects.filter(case__in=ctx.cases), month))
    in_force = allocations_in_force(OuterRef("reference_day"), case=OuterRef("case_id"))
    spent = {
        row["grouping_pk"]: row
        for row in contacts.annotate(reference_day=_reference_day(month))
        .annotate(grouping_pk=Subquery(in_force.values("grouping_id")[:1]))
        .values("grouping_pk")
        .annotate(
            cost=Sum("contact_cost", filter=ATTENDED),
            attended=Count("pk", filter=ATTENDED),
            uncosted=Count("pk", filter=ATTENDED & Q(hourly_cost__isnull=True)),
        )
        .order_by()
    }
    uncosted = sum(row["uncosted"] for row in spent.values())
    if uncosted:
        problem = (
            f"{uncosted} attended contact{'s' if uncosted != 1 else ''} in {month.first:%B %Y} "
            "had no unit cost in force for the clinician's profession, so costs cannot be shown. "
            "An administrator can add the unit cost in the admin (Reports \u203a Unit costs)."
        )
        return Panel(Table("cost", title, COST_COLUMNS, (), problem=problem))
    open_counts = dict(
        with_grouping_pk_for(cast(CaseQuerySet, ctx.cases).open_episodes_on(ctx.filters.period.last), month)
        .values("grouping_pk")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("grouping_pk", "count")
    )
    pks = [pk for pk in {*spent, *open_counts} if pk is not None]
    groupings = {g.pk: g for g in Grouping.objects.filter(pk__in=pks).only("code", "expected_appointments")}
    reference = reference_contact_cost(ctx.filters.period.last)
    rows = []
    for pk in sorted(pks, key=lambda pk: groupings[pk].code) + [None]:
        open_episodes = open_counts.get(pk, 0)
        cost = spent.get(pk, {}).get("cost") or Decimal(0)
        per_episode = costing.money(cost / open_episodes) if open_episodes else None
        price = None
        if pk is not None and reference is not None:
            price = costing.indicative_price(groupings[pk].expected_appointments, reference)
        rows.append(
            Row(
                (
                    groupings[pk].code if pk is not None else NOT_ALLOCATED_LABEL,
                    open_episodes,
                    spent.get(pk, {}).get("attended", 0),
                    _money(costing.money(cost)),
                    _money(per_episode),
                    _money(price),
                    _money(costing.variance(per_episode, price)),
                )
            )
        )
    problem = (
        "" if reference is not None else "No reference contact cost is in force, so no indicative price."
    )
    return Panel(
        Table(
            "cost",
            title,
            COST_COLUMNS,
            tuple(rows),
            kinds=COST_KINDS,
            note="The grouping of a case for the month is the allocation in force on its last day (the day "
            "before a discharge in the month). Variance = cost per open episode this month - the price of a "
            "whole episode, so it is the month's share, not a verdict on the price.",
            problem=problem,
        )
    )


def _reference_day(month: Month) -> When_:
    """periods.reference_day, read from a contact's case."""
    return When_(
        When(
            case__closed_date__gte=month.first,
            case__closed_date__lte=month.last,
            then=ExpressionWrapper(F("case__closed_date") - dt.timedelta(days=1), output_field=DateField()),
        ),
        default=Value(month.last),
        output_field=DateField(),
    )


def _money(amount: Decimal | None) -> float | None:
    return None if amount is None else float(amount)


def _int(cell: object) -> int:
    return int(str(cell or 0))


def _text(cell: object) -> str | None:
    return str(cell) if cell else None


PANELS: dict[str, Callable[[Context], Panel]] = {
    "open-by-grouping": open_by_grouping,
    "open-by-super-group": open_by_super_group,
    "caseload": caseload_by_clinician,
    "activity": activity_by_month,
    "waiting": waiting_times,
    "last-seen": last_seen_bands,
    "reviews": lambda ctx: reviews(ctx)[0],
    "recording": recording,
    "suggestions-by-team": suggestions_by_team,
    "suggestions-by-clinician": suggestions_by_clinician,
    "cost": cost_this_month,
}


def everything(ctx: Context) -> dict[str, Any]:
    """Every panel of the page, each read once."""
    by_grouping = open_by_grouping(ctx)
    review_panel, review_lists = reviews(ctx)
    return {
        "by_grouping": by_grouping,
        "by_super_group": open_by_super_group(ctx, by_grouping.table),
        "caseload": caseload_by_clinician(ctx),
        "activity": activity_by_month(ctx),
        "waiting": waiting_times(ctx),
        "last_seen": last_seen_bands(ctx),
        "reviews": review_panel,
        "review_lists": review_lists,
        "recording": recording(ctx),
        "suggestions_by_team": suggestions_by_team(ctx),
        "suggestions_by_clinician": suggestions_by_clinician(ctx),
        "cost": cost_this_month(ctx),
    }
