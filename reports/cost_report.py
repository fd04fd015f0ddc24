"""The monthly cost report and currency quality of one provider (SPEC §5), aggregated in SQL.

A contact's date is its `starts_at` in Europe/London; it costs its hours x the unit cost of its profession
in force on that date (reports/costing.py), joined in SQL. Months, open episodes and the grouping of a case
for a month are those of reports/periods.py. Names and expected appointments come from the catalogue of
the report's rules version, matched by code: a grouping code outside that catalogue keeps its code with no
name and no indicative price; UNGROUPED has no indicative price either.

`cost_rows`: one row per (team, grouping) of the provider with an episode open at the month's end or a
contact in the month, a contact counted under the grouping of its case for the month; rows by team code
then grouping code; period is "YYYY-MM"; counts are ints, amounts Decimal, None where undefined. An attended
contact with no unit cost in force raises MissingUnitCost rather than costing nothing.
- open_at_month_end, contacts_attended, contacts_not_attended (did not attend), contacts_cancelled: counts.
- attended_hours: sum of the attended contacts' durations (2 decimals); cost: sum of their costs, to the
  penny, from unrounded contact costs. Both derive from contacts_attended.
- cost_per_open_episode = unrounded cost / open_at_month_end, to the penny (None when none is open); it
  derives from open_at_month_end. Contacts of episodes closed during the month are in `cost` but not in
  the denominator.
- indicative_price: the indicative price of ONE episode of the grouping = expected appointments x the
  reference contact cost in force on the month's last day. Per episode and not x open episodes, because
  the product would disclose the exact, unrounded count of open episodes.
- variance = cost_per_open_episode - indicative_price: a month's cost per open episode against a whole
  episode's price, so it is a month's share, not a verdict on the price; the whole-episode comparison is
  `currency_quality`'s variance.

`currency_quality`: episodes closed in the 12 months to the month (each with all its contacts), grouped by
the grouping of the case for the month it closed; per grouping the spread of attended appointments and
cost per episode (costing.quality_by_grouping), the indicative price and variance = mean cost per episode
- indicative price (floats, None where undefined); and eta squared of cost per episode across groupings, UNGROUPED episodes left out (they
are not a grouping of the currency).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Case as When_
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncDate

from accounts.models import Profession, Team
from assessments import limits
from assessments.choices import Attendance
from assessments.models import Case, Contact, open_episode_on
from camhs_pbr.lib.service_time import day_start, service_day, service_zone
from groupings.models import Grouping, RulesVersion
from reports import costing
from reports.models import ReferenceContactCost, UnitCost
from reports.periods import (
    UNGROUPED,
    UNGROUPED_NAME,
    Month,
    with_grouping_pk_at_closure,
    with_grouping_pk_for,
)

# pandas (and the pyarrow it loads) is imported where frames are built: every process loads this module, few
# build one (tests/test_startup_imports.py).
if TYPE_CHECKING:
    import pandas as pd

COST_COLUMNS = (
    "period",
    "provider_code",
    "team_code",
    "team_name",
    "grouping",
    "grouping_name",
    "open_at_month_end",
    "contacts_attended",
    "contacts_not_attended",
    "contacts_cancelled",
    "attended_hours",
    "cost",
    "cost_per_open_episode",
    "indicative_price",
    "variance",
)
COUNT_COLUMNS = ("open_at_month_end", "contacts_attended", "contacts_not_attended", "contacts_cancelled")
QUALITY_COLUMNS = (
    "grouping",
    "grouping_name",
    *costing.QUALITY_COLUMNS[1:],
    "indicative_price",
    "variance",
)
ATTENDED = Q(attendance=Attendance.ATTENDED)


class MissingUnitCost(LookupError):
    """An attended contact whose profession has no unit cost in force on its date."""


def cost_rows(month: Month, provider_code: str, rules_version: RulesVersion) -> pd.DataFrame:
    """The cost report of `provider_code` for `month`: COST_COLUMNS, one row per (team, grouping)."""
    import pandas as pd

    cases = Case.objects.filter(team__provider__code=provider_code)
    rows = _open_at_month_end(cases, month).merge(
        _contacts_in_month(cases, month), on=["team_id", "grouping"], how="outer"
    )
    for column in (*COUNT_COLUMNS, "attended_minutes"):
        rows[column] = rows[column].fillna(0).astype(int)
    rows["raw_cost"] = _objects([Decimal(0) if pd.isna(c) else Decimal(c) for c in rows["raw_cost"]], rows)
    teams = pd.DataFrame(
        list(Team.objects.filter(provider__code=provider_code).values_list("id", "code", "name")),
        columns=["team_id", "team_code", "team_name"],
    )
    rows = rows.merge(teams, on="team_id", how="left").merge(
        _catalogue(rules_version, reference_contact_cost(month.last)), on="grouping", how="left"
    )
    rows = rows.sort_values(["team_code", "grouping"], ignore_index=True)
    return _derived(rows, month, provider_code)


def currency_quality(
    month: Month, provider_code: str, rules_version: RulesVersion
) -> tuple[pd.DataFrame, float | None]:
    """The spread of appointments and cost per episode closed in the 12 months to `month`, per grouping
    (QUALITY_COLUMNS), and eta squared of cost per episode across groupings."""
    import pandas as pd

    cases = Case.objects.filter(team__provider__code=provider_code)
    episodes = _closed_episodes(cases, month)
    quality = costing.quality_by_grouping(episodes)
    quality = quality.merge(
        _catalogue(rules_version, reference_contact_cost(month.last)), on="grouping", how="left"
    )
    prices = [None if pd.isna(p) else float(p) for p in quality["indicative_price"]]
    quality["indicative_price"] = _objects(prices, quality)
    variances = [
        None if price is None or mean is None else round(mean - price, 2)
        for mean, price in zip(quality["cost_mean"], prices, strict=True)
    ]
    quality["variance"] = _objects(variances, quality)
    grouped = episodes[episodes["grouping"] != UNGROUPED]
    eta = costing.eta_squared(grouped["cost"].to_numpy(), grouped["grouping"].to_numpy())
    return quality[list(QUALITY_COLUMNS)], eta


def _open_at_month_end(cases: QuerySet[Case], month: Month) -> pd.DataFrame:
    """Episodes open on the month's last day per (team_id, grouping)."""
    import pandas as pd

    counts = (
        with_grouping_pk_for(cases.filter(open_episode_on(month.last)), month)
        .values("team_id", "grouping_pk")
        .annotate(open_at_month_end=Count("pk"))
        .order_by()
    )
    frame = pd.DataFrame(list(counts), columns=["team_id", "grouping_pk", "open_at_month_end"])
    return (
        _coded(frame)
        .groupby(["team_id", "grouping"], as_index=False)
        .agg(open_at_month_end=("open_at_month_end", "sum"))
    )


def _contacts_in_month(cases: QuerySet[Case], month: Month) -> pd.DataFrame:
    """Contacts dated in the month per (team_id, grouping of their case for the month): counts by
    attendance, attended minutes and raw (unrounded) cost.

    Contacts are aggregated per case in SQL; each of those cases gets its grouping once (not once per
    contact), and pandas sums the per-case frame by team and grouping."""
    import pandas as pd

    contacts = costed(in_month(Contact.objects.filter(case__in=cases), month))
    per_case = contacts.values("case_id").annotate(
        contacts_attended=Count("pk", filter=ATTENDED),
        contacts_not_attended=Count("pk", filter=Q(attendance=Attendance.DID_NOT_ATTEND)),
        contacts_cancelled=Count("pk", filter=Q(attendance=Attendance.CANCELLED)),
        attended_minutes=Sum("duration_minutes", filter=ATTENDED),
        raw_cost=Sum("contact_cost", filter=ATTENDED),
    )
    figures = ["contacts_attended", "contacts_not_attended", "contacts_cancelled", "attended_minutes"]
    refuse_uncosted(contacts)
    frame = pd.DataFrame(list(per_case), columns=["case_id", *figures, "raw_cost"])
    with_contacts = cases.filter(Exists(in_month(Contact.objects.filter(case=OuterRef("pk")), month)))
    groupings = _coded(
        pd.DataFrame(
            list(
                with_grouping_pk_for(with_contacts, month)
                .order_by()
                .values_list("pk", "team_id", "grouping_pk")
            ),
            columns=["case_id", "team_id", "grouping_pk"],
        )
    )
    frame = frame.merge(groupings, on="case_id")
    frame[figures] = frame[figures].fillna(0).astype(int)
    frame["raw_cost"] = _objects(
        [Decimal(0) if c is None or pd.isna(c) else Decimal(c) for c in frame["raw_cost"]], frame
    )
    totals = frame.groupby(["team_id", "grouping"], as_index=False).agg(
        **{column: (column, "sum") for column in [*figures, "raw_cost"]}
    )
    return totals[["team_id", "grouping", *COUNT_COLUMNS[1:], "attended_minutes", "raw_cost"]]


def _closed_episodes(cases: QuerySet[Case], month: Month) -> pd.DataFrame:
    """One row per episode closed in the 12 months to `month`: grouping (for the month it closed),
    appointments (attended contacts) and cost (of all its contacts)."""
    import pandas as pd

    months = month.trailing(12)
    closed = with_grouping_pk_at_closure(cases.filter(closed_date__range=(months[0].first, month.last)))
    episodes = _coded(
        pd.DataFrame(
            list(closed.order_by().values_list("pk", "grouping_pk")), columns=["case_id", "grouping_pk"]
        )
    )
    contacts = Contact.objects.filter(case__in=cases, case__closed_date__range=(months[0].first, month.last))
    totals = (
        costed(contacts)
        .values("case_id")
        .annotate(
            appointments=Count("pk", filter=ATTENDED),
            cost=Sum("contact_cost", filter=ATTENDED),
        )
    )
    refuse_uncosted(contacts)
    per_episode = pd.DataFrame(list(totals), columns=["case_id", "appointments", "cost"])
    episodes = episodes.merge(per_episode, on="case_id", how="left")
    episodes["appointments"] = episodes["appointments"].fillna(0).astype(int)
    episodes["cost"] = [0.0 if pd.isna(c) else float(c) for c in episodes["cost"]]
    return episodes[["grouping", "appointments", "cost"]]


def _coded(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its `grouping_pk` column replaced by the grouping's code (UNGROUPED when empty)."""
    pks = [int(pk) for pk in frame["grouping_pk"].dropna().unique()]
    codes = dict(Grouping.objects.filter(pk__in=pks).values_list("pk", "code"))
    coded = frame.assign(grouping=[codes.get(pk, UNGROUPED) for pk in frame["grouping_pk"]])
    return coded.drop(columns="grouping_pk")


def in_month(contacts: QuerySet[Contact], month: Month) -> QuerySet[Contact]:
    """Contacts whose Europe/London date falls in `month` (a range on starts_at, so its index serves)."""
    start, end = day_start(month.first), day_start(month.last + dt.timedelta(days=1))
    return contacts.filter(starts_at__gte=start, starts_at__lt=end)


def costed(contacts: QuerySet[Contact]) -> QuerySet[Any]:
    """Contacts with `hourly_cost` (the unit cost of their profession in force on their London date) and
    `contact_cost` (their hours x that cost, 0 when not attended): costing.contact_cost in SQL."""
    in_force = (
        UnitCost.objects.filter(
            profession=OuterRef("profession_id"), valid_from__lte=OuterRef("contact_date")
        )
        .order_by("-valid_from")
        .values("hourly_cost")[:1]
    )
    hours_cost = ExpressionWrapper(
        F("duration_minutes") * F("hourly_cost") / Value(Decimal(costing.MINUTES_PER_HOUR)),
        output_field=_money_field(),
    )
    return contacts.annotate(
        contact_date=TruncDate("starts_at", tzinfo=service_zone()), hourly_cost=Subquery(in_force)
    ).annotate(
        contact_cost=When_(
            When(ATTENDED, then=hours_cost), default=Value(Decimal(0)), output_field=_money_field()
        )
    )


def refuse_uncosted(contacts: QuerySet[Contact]) -> None:
    """Refuse when an attended contact has no unit cost in force: its London date is before the first
    unit cost of its profession (a cheap test, so the costing query reads each unit cost once a contact)."""
    first_costs = dict(
        UnitCost.objects.values("profession_id")
        .annotate(first=Min("valid_from"))
        .values_list("profession_id", "first")
    )
    # No contact is dated before CONTACT_DATE.earliest (assessments/limits.py), so only professions whose
    # first unit cost comes later, or that have none, can leave a contact uncosted.
    earliest = limits.CONTACT_DATE.earliest
    doubtful = [
        pk
        for pk in Profession.objects.values_list("pk", flat=True)
        if first_costs.get(pk) is None or first_costs[pk] > earliest
    ]
    if not doubtful:
        return
    first_contacts = (
        contacts.filter(ATTENDED, profession_id__in=doubtful)
        .values("profession_id")
        .annotate(first=Min("starts_at"))
        .order_by()
    )
    for row in first_contacts:
        first_cost = first_costs.get(row["profession_id"])
        if first_cost is None or service_day(row["first"]) < first_cost:
            _name_uncosted(contacts)


def _name_uncosted(contacts: QuerySet[Contact]) -> None:
    missing = (
        costed(contacts)
        .filter(ATTENDED, hourly_cost__isnull=True)
        .values_list("profession__name", "contact_date")
        .order_by("profession__name", "contact_date")
        .distinct()
    )
    found = ", ".join(f"{name} on {day:%d/%m/%Y}" for name, day in missing[:5])
    raise MissingUnitCost(f"No unit cost in force for attended contacts: {found}. Add one in the admin.")


def reference_contact_cost(day: dt.date) -> Decimal | None:
    rates = ReferenceContactCost.objects.filter(valid_from__lte=day).values_list("valid_from", "contact_cost")
    return costing.in_force_on(day, rates)


def _catalogue(rules_version: RulesVersion, contact_cost: Decimal | None) -> pd.DataFrame:
    """grouping, grouping_name and indicative_price (per episode) of the rules version's groupings."""
    import pandas as pd

    rows = [
        {
            "grouping": code,
            "grouping_name": name,
            "indicative_price": None
            if contact_cost is None
            else costing.indicative_price(expected, contact_cost),
        }
        for code, name, expected in Grouping.objects.filter(rules_version=rules_version).values_list(
            "code", "name", "expected_appointments"
        )
    ]
    rows.append({"grouping": UNGROUPED, "grouping_name": UNGROUPED_NAME, "indicative_price": None})
    return pd.DataFrame(rows, columns=["grouping", "grouping_name", "indicative_price"])


def _derived(rows: pd.DataFrame, month: Month, provider_code: str) -> pd.DataFrame:
    import pandas as pd

    rows["period"] = month.label()
    rows["provider_code"] = provider_code
    rows["attended_hours"] = _objects(
        [costing.money(Decimal(int(m)) / 60) for m in rows["attended_minutes"]], rows
    )
    rows["cost"] = _objects([costing.money(c) for c in rows["raw_cost"]], rows)
    per_episode = [
        costing.money(c / n) if n else None
        for c, n in zip(rows["raw_cost"], rows["open_at_month_end"], strict=True)
    ]
    prices = [None if pd.isna(p) else p for p in rows["indicative_price"]]
    rows["cost_per_open_episode"] = _objects(per_episode, rows)
    rows["indicative_price"] = _objects(prices, rows)
    rows["grouping_name"] = _objects([None if pd.isna(n) else n for n in rows["grouping_name"]], rows)
    rows["variance"] = _objects(
        [costing.variance(c, p) for c, p in zip(per_episode, prices, strict=True)], rows
    )
    return rows[list(COST_COLUMNS)]


def _objects(values: Sequence[object], frame: pd.DataFrame) -> pd.Series:
    """A column of Python objects (Decimal, None) for `frame`, which pandas would otherwise turn to floats."""
    import pandas as pd

    return pd.Series(values, index=frame.index, dtype=object)


def _money_field() -> DecimalField[Decimal, Decimal]:
    return DecimalField(max_digits=20, decimal_places=10)
