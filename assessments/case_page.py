"""What higher apps add to the case page and the caseload, registered from their AppConfig.ready.

Case records own these pages; the grouping workflow (and later reports) adds its panel and columns here, so
nothing in `assessments` imports a higher app (ARCHITECTURE.md).
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from assessments.models import Case, CaseQuerySet


@dataclass(frozen=True)
class CasePanel:
    """A section of the case page: its template and the context it needs for one case."""

    name: str
    template: str
    context: Callable[[Case, dt.date], Mapping[str, Any]]


@dataclass(frozen=True)
class CaseloadColumns:
    """Columns of the caseload: headings, the annotation they read, and the template of one row's cells."""

    name: str
    headings: tuple[str, ...]
    annotate: Callable[[CaseQuerySet], CaseQuerySet]
    cells_template: str


@dataclass(frozen=True)
class CaseloadPanel:
    """A section above the caseload (the user's home page): its template and the context it needs."""

    name: str
    template: str
    context: Callable[[Any, dt.date], Mapping[str, Any]]  # (user, today)


_panels: dict[str, CasePanel] = {}
_caseload_panels: dict[str, CaseloadPanel] = {}
_caseload_columns: dict[str, CaseloadColumns] = {}


def add_case_panel(panel: CasePanel) -> None:
    _panels[panel.name] = panel


def add_caseload_columns(columns: CaseloadColumns) -> None:
    _caseload_columns[columns.name] = columns


def add_caseload_panel(panel: CaseloadPanel) -> None:
    _caseload_panels[panel.name] = panel


def caseload_panels() -> tuple[CaseloadPanel, ...]:
    return tuple(_caseload_panels.values())


def case_panels() -> tuple[CasePanel, ...]:
    return tuple(_panels.values())


def caseload_columns() -> tuple[CaseloadColumns, ...]:
    return tuple(_caseload_columns.values())


def with_caseload_columns(cases: CaseQuerySet) -> CaseQuerySet:
    """The caseload's cases with every registered column's annotation."""
    for columns in _caseload_columns.values():
        cases = columns.annotate(cases)
    return cases
