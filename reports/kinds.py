"""The registry of report kinds: what each report computes, for which scopes, and how it is disclosed.

Adding a report is one entry in KINDS: its columns, its compute function, the scopes it runs for and which
of its columns are counts or figures derived from a count (disclosure control, SPEC §7). A report run for
one scope kind wraps its `(month, scope_code, rules_version)` function in `one_scope`; one run for several
takes `(month, scope_kind, scope_code, rules_version)` as it is. A report's `report` is its `Report` value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from accounts.models import Commissioner, Provider
from groupings.models import RulesVersion
from reports import casemix, cost_report, outcome_report
from reports.disclosure import DisclosureRule
from reports.models import Report, ScopeKind
from reports.periods import Month

# pandas (and the pyarrow it loads) is imported where frames are built: every process loads this module, few
# build one (tests/test_startup_imports.py).
if TYPE_CHECKING:
    import pandas as pd

Compute = Callable[[Month, str, str, RulesVersion], "pd.DataFrame"]
"""(month, scope_kind, scope_code, rules_version) -> the report's raw rows, in its column order."""

SingleScopeCompute = Callable[[Month, str, RulesVersion], "pd.DataFrame"]


@dataclass(frozen=True)
class ReportKind:
    report: str
    columns: tuple[str, ...]
    compute: Compute
    scope_kinds: frozenset[str]
    disclosure: DisclosureRule

    @property
    def label(self) -> str:
        return Report(self.report).label

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
    """Add (or replace) a report kind; the built-in ones are registered below."""
    KINDS[kind.report] = kind
    return kind


def kind_of(report: str) -> ReportKind:
    try:
        return KINDS[report]
    except KeyError:
        known = ", ".join(sorted(KINDS))
        raise LookupError(f"No report {report!r}; known reports: {known}.") from None


register(
    ReportKind(
        report=Report.CASEMIX.value,
        columns=casemix.COLUMNS,
        compute=one_scope(casemix.casemix_rows),
        scope_kinds=frozenset({ScopeKind.COMMISSIONER.value}),
        disclosure=casemix.DISCLOSURE,
    )
)


def _currency_quality(month: Month, provider_code: str, rules_version: RulesVersion) -> pd.DataFrame:
    """The currency quality table with eta squared (one figure for all groupings) on every row."""
    frame, eta_squared = cost_report.currency_quality(month, provider_code, rules_version)
    return frame.assign(eta_squared=eta_squared)


register(
    ReportKind(
        report=Report.COST.value,
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
    )
)
register(
    ReportKind(
        report=Report.CURRENCY.value,
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
    )
)
register(
    ReportKind(
        report=Report.OUTCOMES.value,
        columns=outcome_report.COLUMNS,
        compute=outcome_report.outcome_rows,
        scope_kinds=frozenset({ScopeKind.COMMISSIONER.value, ScopeKind.PROVIDER.value}),
        disclosure=DisclosureRule(
            counts=outcome_report.COUNT_COLUMNS,
            shares=outcome_report.SHARES,
        ),
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
