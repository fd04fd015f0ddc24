"""The registry of report kinds: what each report computes, for which scopes, and how it is disclosed.

Adding a report is one `register(ReportKind(...))` here: its value and label (the choices of a run's
`report` come from the registry), its columns, its compute function, the scopes it runs for, which of its
columns are counts or figures derived from a count (disclosure control, SPEC §7), how each column adds up
in the Total row (`Totals`), its trend (one of those totals, month by month) and, optionally, a spread chart. A report run for one scope kind wraps its `(month, scope_code, rules_version)`
function in `one_scope`; one run for several takes `(month, scope_kind, scope_code, rules_version)` as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from accounts.models import Commissioner, Provider
from groupings.models import RulesVersion
from reports import casemix, cost_report, outcome_report, summaries
from reports.disclosure import DisclosureRule
from reports.models import REPORT_LABELS, ScopeKind
from reports.periods import Month
from reports.totals import Totals
from reports.trends import Trend

# pandas (and the pyarrow it loads) is imported where frames are built: every process loads this module, few
# build one (tests/test_startup_imports.py).
if TYPE_CHECKING:
    import pandas as pd

Compute = Callable[[Month, str, str, RulesVersion], "pd.DataFrame"]
"""(month, scope_kind, scope_code, rules_version) -> the report's raw rows, in its column order."""

SingleScopeCompute = Callable[[Month, str, RulesVersion], "pd.DataFrame"]

Headline = Callable[[Month, str, str], "pd.DataFrame"]
"""(month, scope_kind, scope_code) -> the raw headline rows of the run (summaries.HEADLINE_COLUMNS), computed
and stored by the same run as its rows."""

Summarise = Callable[["pd.DataFrame", "pd.DataFrame | None"], list[summaries.Summary]]
"""(the raw rows a reader may see, the run's stored headline rows or None) -> the report's summary views."""

Spread = Callable[["pd.DataFrame"], tuple[list[tuple[str, float | None]], float | None]]
"""A run's raw rows -> (bars of (label, value), eta squared or None), for a report drawn as a spread."""


@dataclass(frozen=True)
class ReportKind:
    report: str  # the value in URLs and in a run's `report`
    label: str
    columns: tuple[str, ...]
    compute: Compute
    scope_kinds: frozenset[str]
    disclosure: DisclosureRule
    totals: Totals
    trend: Trend
    spread: Spread | None = None
    headline: Headline | None = None
    headline_columns: tuple[str, ...] = summaries.HEADLINE_COLUMNS
    summarise: Summarise | None = None

    def rows(
        self, month: Month, scope_kind: str, scope_code: str, rules_version: RulesVersion
    ) -> pd.DataFrame:
        """The computed raw rows, checked to have exactly this report's columns."""
        if scope_kind not in self.scope_kinds:
            raise ValueError(f"the {self.report} report is not run for a {scope_kind}")
        frame = self.compute(month, scope_kind, scope_code, rules_version)
        if tuple(frame.columns) != self.columns:
            raise ValueError(
                f"the {self.report} report computed columns {list(frame.columns)}, not {list(self.columns)}"
            )
        return frame


def one_scope(compute: SingleScopeCompute) -> Compute:
    """A compute function of a report run for a single scope kind, which needs no scope kind argument."""

    def computed(month: Month, scope_kind: str, scope_code: str, rules_version: RulesVersion) -> pd.DataFrame:
        return compute(month, scope_code, rules_version)

    return computed


KINDS: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    """Add (or replace) a report kind, once its totals and trend name its own columns; the built-in ones
    are registered below."""
    unknown = set(kind.totals.columns()) - set(kind.columns)
    if unknown:
        raise ValueError(f"the {kind.report} report totals columns it does not have: {sorted(unknown)}")
    if kind.trend.column not in kind.totals.columns():
        raise ValueError(
            f"the {kind.report} report's trend follows {kind.trend.column}, which is not totalled"
        )
    KINDS[kind.report] = kind
    REPORT_LABELS[kind.report] = kind.label
    return kind


def kind_of(report: str) -> ReportKind:
    try:
        return KINDS[report]
    except KeyError:
        known = ", ".join(sorted(KINDS))
        raise LookupError(f"No report {report!r}; known reports: {known}.") from None


CASEMIX = register(
    ReportKind(
        report="casemix",
        label="Case-mix",
        columns=casemix.COLUMNS,
        compute=one_scope(casemix.casemix_rows),
        scope_kinds=frozenset({ScopeKind.COMMISSIONER.value}),
        disclosure=casemix.DISCLOSURE,
        # Each case is on one row (its grouping, age band and gender), so every figure adds up over the rows.
        totals=Totals(summed=casemix.FIGURES),
        trend=Trend("Open at month end", "open_at_month_end", unit="episodes"),
        headline=lambda month, scope_kind, code: casemix.headline_rows(month, code),
        summarise=summaries.casemix_summaries,
    )
)


TEAM_CASEMIX = register(
    ReportKind(
        report="teammix",
        label="Case-mix by team",
        columns=casemix.TEAM_COLUMNS,
        compute=one_scope(casemix.team_casemix_rows),
        scope_kinds=frozenset({ScopeKind.PROVIDER.value}),
        disclosure=casemix.DISCLOSURE,
        # Each case is on one row (its team, grouping, age band and gender): every figure adds up.
        totals=Totals(summed=casemix.FIGURES),
        trend=Trend("Open at month end", "open_at_month_end", unit="episodes"),
        headline=lambda month, scope_kind, code: casemix.team_headline_rows(month, code),
        headline_columns=("team_code", *summaries.HEADLINE_COLUMNS),
        summarise=summaries.team_casemix_summaries,
    )
)


def _currency_quality(month: Month, provider_code: str, rules_version: RulesVersion) -> pd.DataFrame:
    """The currency quality table with eta squared (one figure for all groupings) on every row."""
    frame, eta_squared = cost_report.currency_quality(month, provider_code, rules_version)
    return frame.assign(eta_squared=eta_squared)


def _cost_spread(frame: pd.DataFrame) -> tuple[list[tuple[str, float | None]], float | None]:
    """Mean cost per closed episode by grouping, and the share of the variance in cost per episode that the
    grouping explains (eta squared)."""
    import pandas as pd

    means = [
        (str(g), None if pd.isna(m) else float(m))
        for g, m in zip(frame["grouping"], frame["cost_mean"], strict=True)
    ]
    eta = frame["eta_squared"].dropna()
    return means, float(eta.iloc[0]) if len(eta) else None


COST = register(
    ReportKind(
        report="cost",
        label="Cost by team and grouping",
        columns=cost_report.COST_COLUMNS,
        compute=one_scope(cost_report.cost_rows),
        scope_kinds=frozenset({ScopeKind.PROVIDER.value}),
        disclosure=DisclosureRule(
            counts=cost_report.COUNT_COLUMNS,
            derived={
                "attended_hours": "contacts_attended",
                "cost": "contacts_attended",
                "cost_per_open_episode": "open_at_month_end",
                "variance": "open_at_month_end",
            },
        ),
        # Each case is on one row (its team and grouping); cost per open episode, the price and the variance
        # from it are per episode and do not add up.
        totals=Totals(summed=(*cost_report.COUNT_COLUMNS, "attended_hours", "cost")),
        trend=Trend("Cost (£)", "cost"),
        summarise=lambda rows, headline: summaries.cost_summaries(rows),
    )
)
CURRENCY = register(
    ReportKind(
        report="currency",
        label="Currency quality",
        columns=(*cost_report.QUALITY_COLUMNS, "eta_squared"),
        compute=one_scope(_currency_quality),
        scope_kinds=frozenset({ScopeKind.PROVIDER.value}),
        disclosure=DisclosureRule(
            counts=("episodes",),
            derived={
                column: "episodes"
                for column in cost_report.QUALITY_COLUMNS
                if column not in ("grouping", "grouping_name", "episodes", "indicative_price")
            },
        ),
        # Each closed episode is in one grouping; the means, medians, spreads, price and eta squared do not add up.
        totals=Totals(summed=("episodes",)),
        trend=Trend("Episodes closed in the 12 months", "episodes", unit="episodes"),
        spread=_cost_spread,
        summarise=lambda rows, headline: summaries.currency_summaries(rows),
    )
)
OUTCOMES = register(
    ReportKind(
        report="outcomes",
        label="Outcomes by grouping",
        columns=outcome_report.COLUMNS,
        compute=outcome_report.outcome_rows,
        scope_kinds=frozenset({ScopeKind.COMMISSIONER.value, ScopeKind.PROVIDER.value}),
        disclosure=DisclosureRule(
            counts=outcome_report.COUNT_COLUMNS,
            shares=outcome_report.SHARES,
        ),
        # A grouping's episode counts repeat on each of its measure rows (reports.outcome_report); pairs and
        # their changes are one per row. Shares are not totalled.
        totals=Totals(
            summed=outcome_report.COUNT_COLUMNS[2:],
            once_per={column: ("grouping",) for column in outcome_report.COUNT_COLUMNS[:2]},
        ),
        trend=Trend("Closed episodes", "closed_episodes", unit="episodes"),
    )
)


def every_scope() -> list[tuple[str, str, str]]:
    """(report, scope kind, organisation code) of every report for every scope it runs for, in order."""
    codes = {
        ScopeKind.COMMISSIONER.value: list(
            Commissioner.objects.order_by("code").values_list("code", flat=True)
        ),
        ScopeKind.PROVIDER.value: list(Provider.objects.order_by("code").values_list("code", flat=True)),
    }
    return [
        (report, scope_kind, code)
        for report, kind in sorted(KINDS.items())
        for scope_kind in sorted(kind.scope_kinds)
        for code in codes[scope_kind]
    ]
