"""Summary views of a report's aggregated rows: what a reader takes in at a glance before the full table.

Pure functions over plain frames (no ORM, no request): the report page and the monthly PDF pack call the
same ones. Each view is computed from the RAW figures of the rows its reader may see (stored by the report
run, already aggregated in SQL) and only then, for a commissioner, disclosure-controlled at its own level
with `reports.disclosure` (SPEC §7): a view's cell is the rounded sum of raw counts, never a sum of rounded
cells. A change between two months is worked out from the two figures as published (issue 30: it then says
nothing the figures beside it do not), and is `*` when either is.

Case-mix (a commissioner's): the headline figures (open at month end, referred, closed in the month, with
the change against last month and the same month last year), by grouping across providers, by provider
across groupings, by super group and provider, and by age band and super group. The monthly flows
(referred, closed) are small beside the stock of open episodes, so the finer views show the stock, and the
flows where they survive: by provider and by super group.

Costs (a manager's, unrounded): each team's cost per open episode against the mean of the teams shown (the
provider's, for a service manager), and each grouping's mean cost per closed episode against its indicative
price, each with the variance in pounds and in per cent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from reports.disclosure import SUPPRESSED, disclose_count
from reports.periods import AGE_BANDS, UNGROUPED, UNGROUPED_NAME

if TYPE_CHECKING:
    import pandas as pd

CASEMIX_FIGURES = ("open_at_month_end", "referred_in_month", "closed_in_month")
HEADLINE_COLUMNS = ("figure", "this_month", "last_month", "same_month_last_year")
"""The stored headline rows of a run: one per figure, its raw count in three months."""
HEADLINE_VIEW = (
    "figure",
    "this_month",
    "last_month",
    "change_on_last_month",
    "change_on_last_month_share",
    "same_month_last_year",
    "change_on_last_year",
    "change_on_last_year_share",
)
_HEADLINE_COUNTS = ("this_month", "last_month", "same_month_last_year")
_HEADLINE_CHANGES = {
    "change_on_last_month": ("change_on_last_month_share", "last_month"),
    "change_on_last_year": ("change_on_last_year_share", "same_month_last_year"),
}
_BAND_ORDER = {band: n for n, (band, _, _) in enumerate(AGE_BANDS)}


@dataclass(frozen=True)
class Summary:
    """One summary view: its rows (label columns `keys`, then figures), which figures are counts (disclosed as
    counts for a commissioner), and headings for columns named by the data (a super group per column)."""

    name: str
    title: str
    frame: pd.DataFrame
    keys: tuple[str, ...]
    counts: tuple[str, ...]
    headings: Mapping[str, str] = field(default_factory=dict)
    note: str = ""

    @property
    def columns(self) -> list[str]:
        return [str(column) for column in self.frame.columns]


def headline(stored: pd.DataFrame) -> Summary:
    """The headline figures (stored rows of HEADLINE_COLUMNS, raw) with their changes, unrounded."""
    frame = stored[list(HEADLINE_COLUMNS)].copy()
    frame = _with_changes(frame)
    return Summary(
        "headline",
        "Headline figures",
        frame[list(HEADLINE_VIEW)],
        keys=("figure",),
        counts=_HEADLINE_COUNTS,
    )


def _with_changes(frame: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    for change, (share, base) in _HEADLINE_CHANGES.items():
        pairs = list(zip(frame["this_month"], frame[base], strict=True))
        frame[change] = pd.Series(
            [difference(now, then) for now, then in pairs], index=frame.index, dtype=object
        )
        frame[share] = pd.Series(
            [change_share(now, then) for now, then in pairs], index=frame.index, dtype=object
        )
    return frame


def difference(now: object, then: object) -> int | float | str | None:
    """now - then: `*` when either is `*`, empty when either is missing."""
    if SUPPRESSED in (now, then):
        return SUPPRESSED
    if _missing(now) or _missing(then):
        return None
    return now - then  # type: ignore[operator]


def change_share(now: object, then: object) -> float | str | None:
    """The change from `then` to `now` in per cent of `then`, to one place: `*` when either is `*`, empty when
    either is missing or `then` is 0."""
    if SUPPRESSED in (now, then):
        return SUPPRESSED
    if _missing(now) or _missing(then) or not then:
        return None
    share = (Decimal(str(now)) - Decimal(str(then))) * 100 / Decimal(str(then))
    return float(share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def casemix_summaries(cube: pd.DataFrame, stored_headline: pd.DataFrame | None) -> list[Summary]:
    """The case-mix views of a commissioner's cube of raw counts (reports.casemix COLUMNS), unrounded: the
    headline first (from the run's stored headline rows, or this month alone from the cube for a run stored
    without them), then by grouping, by provider, by super group and provider, by age band and super group."""
    return _casemix_views(cube, stored_headline, "provider_code", "provider", "providers")


def team_casemix_summaries(cube: pd.DataFrame, stored_headline: pd.DataFrame | None) -> list[Summary]:
    """The same views of a provider's case-mix by team (reports.casemix TEAM_COLUMNS), by team where the
    commissioner's are by provider; the stored headline has a row per team and figure, summed here over the
    teams given (a team manager's own)."""
    return _casemix_views(cube, stored_headline, "team_name", "team", "teams")


def _casemix_views(
    cube: pd.DataFrame, stored_headline: pd.DataFrame | None, across: str, one: str, many: str
) -> list[Summary]:
    import pandas as pd

    if stored_headline is not None and "team_code" in stored_headline.columns:
        stored_headline = stored_headline.groupby("figure", as_index=False, sort=False)[
            ["this_month", "last_month", "same_month_last_year"]
        ].sum()
        order = {figure: n for n, figure in enumerate(CASEMIX_FIGURES)}
        stored_headline = stored_headline.sort_values("figure", key=lambda f: f.map(order), ignore_index=True)
    if stored_headline is None or stored_headline.empty:
        stored_headline = pd.DataFrame(
            [
                {
                    "figure": f,
                    "this_month": int(cube[f].sum()),
                    "last_month": None,
                    "same_month_last_year": None,
                }
                for f in CASEMIX_FIGURES
            ],
            columns=list(HEADLINE_COLUMNS),
        )
    labelled = cube.assign(
        super_group=[UNGROUPED_NAME if not s else s for s in cube["super_group"].fillna("")],
    )
    return [
        headline(stored_headline),
        Summary(
            "by_grouping",
            f"Open at month end by grouping, all {many}",
            _summed(labelled, ["grouping", "grouping_name"], ["open_at_month_end"]),
            keys=("grouping", "grouping_name"),
            counts=("open_at_month_end",),
        ),
        Summary(
            f"by_{one}",
            f"By {one}, all groupings",
            _summed(labelled, [across], list(CASEMIX_FIGURES)),
            keys=(across,),
            counts=CASEMIX_FIGURES,
        ),
        Summary(
            f"super_group_by_{one}",
            f"By super group and {one}",
            _summed(labelled, ["super_group", across], ["open_at_month_end", "closed_in_month"]),
            keys=("super_group", across),
            counts=("open_at_month_end", "closed_in_month"),
        ),
        age_band_by_super_group(labelled),
    ]


def _summed(cube: pd.DataFrame, keys: list[str], figures: list[str]) -> pd.DataFrame:
    """Raw figures summed over `keys`, rows with every figure 0 left out, in the keys' order (groupings by
    code with "Not grouped" last)."""
    summed = cube.groupby(keys, as_index=False, sort=False, dropna=False)[figures].sum()
    summed = summed[(summed[figures] > 0).any(axis=1)]
    for figure in figures:
        summed[figure] = summed[figure].astype(int)

    def order(column: pd.Series) -> pd.Series:
        if column.name == "super_group":
            return column.map(lambda s: (s == UNGROUPED_NAME, s))
        if column.name == "grouping":
            return column.map(lambda g: (g == UNGROUPED, g))
        return column

    return summed.sort_values(keys, key=order, ignore_index=True)


def age_band_by_super_group(cube: pd.DataFrame) -> Summary:
    """Episodes open at month end by age band (rows) and super group (columns), 0 where there are none."""
    open_ = cube[cube["open_at_month_end"] > 0]
    table = open_.pivot_table(
        index="age_band", columns="super_group", values="open_at_month_end", aggfunc="sum", fill_value=0
    )
    groups = sorted(table.columns, key=lambda s: (s == UNGROUPED_NAME, s))
    bands = sorted(table.index, key=lambda band: _BAND_ORDER.get(band, len(_BAND_ORDER)))
    table = table.reindex(index=bands, columns=groups).astype(int).reset_index()
    table.columns = ["age_band", *[str(g) for g in groups]]
    return Summary(
        "age_band_by_super_group",
        "Open at month end by age band and super group",
        table,
        keys=("age_band",),
        counts=tuple(str(g) for g in groups),
        headings={str(g): str(g) for g in groups},
    )


def disclosed(summary: Summary) -> Summary:
    """The view as a commissioner sees it: each count disclosed at this view's level (0, `*` or rounded to 5),
    and a headline's changes worked out from the published figures."""
    import pandas as pd

    frame = summary.frame.copy()
    for column in summary.counts:
        frame[column] = pd.Series(
            [None if _missing(n) else disclose_count(n) for n in summary.frame[column]],
            index=frame.index,
            dtype=object,
        )
    if summary.name == "headline":
        frame = _with_changes(frame)
    return Summary(
        summary.name, summary.title, frame, summary.keys, summary.counts, summary.headings, summary.note
    )


def figures_of(summaries: Iterable[Summary]) -> list[object]:
    """Every figure (not a label, not an empty cell) of the views, in order: what a reader sees as numbers."""
    found: list[object] = []
    for summary in summaries:
        figures = [c for c in summary.columns if c not in summary.keys]
        for row in summary.frame[figures].itertuples(index=False, name=None):
            found += [value for value in row if not _missing(value)]
    return found


def suppressed_share(summaries: Sequence[Summary]) -> float:
    """The share (0 to 1) of the views' figures that are suppressed (`*`)."""
    figures = figures_of(summaries)
    return sum(1 for value in figures if value == SUPPRESSED) / len(figures) if figures else 0.0


COST_BY_TEAM = (
    "team_code",
    "team_name",
    "open_at_month_end",
    "cost",
    "cost_per_open_episode",
    "mean_cost_per_open_episode",
    "variance",
    "variance_share",
)
PRICE_BY_GROUPING = (
    "grouping",
    "grouping_name",
    "episodes",
    "cost_mean",
    "indicative_price",
    "variance",
    "variance_share",
)


def cost_summaries(rows: pd.DataFrame) -> list[Summary]:
    """A manager's view of the cost report's rows (those the manager may see), unrounded: each team's cost per
    open episode against the mean of all the teams shown, with the variance in pounds and per cent."""
    import pandas as pd

    by_team = rows.groupby(["team_code", "team_name"], as_index=False, sort=True, dropna=False).agg(
        open_at_month_end=("open_at_month_end", "sum"), cost=("cost", "sum")
    )
    open_total, cost_total = int(by_team["open_at_month_end"].sum()), float(by_team["cost"].sum())
    mean = rate(cost_total, open_total)
    per_episode = [rate(c, n) for c, n in zip(by_team["cost"], by_team["open_at_month_end"], strict=True)]
    frame = pd.DataFrame(
        {
            "team_code": by_team["team_code"],
            "team_name": by_team["team_name"],
            "open_at_month_end": by_team["open_at_month_end"].astype(int),
            "cost": [round(float(c), 2) for c in by_team["cost"]],
            "cost_per_open_episode": pd.Series(per_episode, dtype=object),
            "mean_cost_per_open_episode": pd.Series([mean] * len(by_team), dtype=object),
            "variance": pd.Series([money_difference(v, mean) for v in per_episode], dtype=object),
            "variance_share": pd.Series([variance_share(v, mean) for v in per_episode], dtype=object),
        },
        columns=list(COST_BY_TEAM),
    )
    return [
        Summary(
            "cost_by_team",
            "Cost per open episode by team, against the mean of the teams shown",
            frame,
            keys=("team_code", "team_name"),
            counts=("open_at_month_end",),
            note="The mean is the cost of all the teams shown divided by their episodes open at month end: "
            "the provider's, where all its teams are shown.",
        ),
        cost_by_grouping(rows),
    ]


COST_BY_GROUPING = (
    "grouping",
    "grouping_name",
    "open_at_month_end",
    "contacts_attended",
    "cost",
    "cost_per_open_episode",
)


def cost_by_grouping(rows: pd.DataFrame) -> Summary:
    """The cost report's rows summed by grouping across the teams shown: open episodes, attended contacts,
    cost and cost per open episode (groupings by code, "Not grouped" last)."""
    import pandas as pd

    named = rows.assign(grouping_name=rows["grouping_name"].fillna(""))
    summed = named.groupby(["grouping", "grouping_name"], as_index=False, sort=False).agg(
        open_at_month_end=("open_at_month_end", "sum"),
        contacts_attended=("contacts_attended", "sum"),
        cost=("cost", "sum"),
    )
    summed = summed.sort_values(
        "grouping", key=lambda codes: codes.map(lambda g: (g == UNGROUPED, g)), ignore_index=True
    )
    frame = pd.DataFrame(
        {
            "grouping": summed["grouping"],
            "grouping_name": summed["grouping_name"],
            "open_at_month_end": summed["open_at_month_end"].astype(int),
            "contacts_attended": summed["contacts_attended"].astype(int),
            "cost": [round(float(c), 2) for c in summed["cost"]],
            "cost_per_open_episode": pd.Series(
                [rate(c, n) for c, n in zip(summed["cost"], summed["open_at_month_end"], strict=True)],
                dtype=object,
            ),
        },
        columns=list(COST_BY_GROUPING),
    )
    return Summary(
        "cost_by_grouping",
        "Cost by grouping, all the teams shown",
        frame,
        keys=("grouping", "grouping_name"),
        counts=("open_at_month_end", "contacts_attended"),
    )


def currency_summaries(rows: pd.DataFrame) -> list[Summary]:
    """Each grouping's mean cost per closed episode (12 months) against its indicative price, with the
    variance in pounds and per cent, unrounded."""
    import pandas as pd

    frame = rows[["grouping", "grouping_name", "episodes", "cost_mean", "indicative_price"]].copy()
    means = [None if _missing(m) else float(m) for m in frame["cost_mean"]]
    prices = [None if _missing(p) else float(p) for p in frame["indicative_price"]]
    frame["cost_mean"] = pd.Series(means, index=frame.index, dtype=object)
    frame["indicative_price"] = pd.Series(prices, index=frame.index, dtype=object)
    frame["variance"] = pd.Series(
        [money_difference(m, p) for m, p in zip(means, prices, strict=True)], index=frame.index, dtype=object
    )
    frame["variance_share"] = pd.Series(
        [variance_share(m, p) for m, p in zip(means, prices, strict=True)], index=frame.index, dtype=object
    )
    return [
        Summary(
            "price_by_grouping",
            "Mean cost per closed episode by grouping, against its indicative price",
            frame[list(PRICE_BY_GROUPING)].reset_index(drop=True),
            keys=("grouping", "grouping_name"),
            counts=("episodes",),
        )
    ]


def rate(amount: float, count: int) -> float | None:
    """An amount per unit to the penny; empty when there are no units."""
    if not count:
        return None
    return float((Decimal(str(amount)) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def money_difference(actual: float | None, reference: float | None) -> float | None:
    """actual - reference to the penny (positive: costlier than the reference); empty when either is."""
    if actual is None or reference is None:
        return None
    return float((Decimal(str(actual)) - Decimal(str(reference))).quantize(Decimal("0.01")))


def variance_share(actual: float | None, reference: float | None) -> float | None:
    """(actual - reference) in per cent of the reference, to one place; empty when either is, or it is 0."""
    if actual is None or not reference:
        return None
    share = (Decimal(str(actual)) - Decimal(str(reference))) * 100 / Decimal(str(reference))
    return float(share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
