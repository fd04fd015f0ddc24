"""The figures of a second-rater audit's agreement page, from its rated pairs: percentage agreement and
Cohen's kappa on the grouping (a grouping with its add-on counted as its own category, as the movement table
does) with a seeded 95% bootstrap interval, overall, per team and per clinician (from MIN_PAIRS_PER_CLINICIAN
pairs), the quadratic-weighted kappa of each of the 50 items (Not known drops the pair for that item), the
items of lowest agreement, the confusion matrix, and the rules' agreement with each rater. Pure."""

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from assessments.current_view_items import ALL_ITEMS, ITEMS_BY_ID
from consistency.limits import AGREEMENT_RESAMPLES, LOWEST_ITEMS_SHOWN, MIN_PAIRS_PER_CLINICIAN
from consistency.rater_agreement import LEVELS
from groupings.agreement import (
    bootstrap_kappa,
    confusion,
    kappa_of_table,
    percent_agreement_of,
    weighted_kappa,
)

NO_SUGGESTION = "No suggestion"


@dataclass(frozen=True)
class RatedPair:
    """One audited case: the first and second raters' groupings and items, and the rules' suggestion from
    each rater's items."""

    team: str
    first_rater: str
    second_rater: str
    first: str
    second: str
    rules_first: str | None
    rules_second: str | None
    first_items: tuple[int, ...]  # ALL_ITEMS order, -1 for Not known
    second_items: tuple[int, ...]


@dataclass(frozen=True)
class Figures:
    n: int
    percent: float | None
    kappa: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class ItemAgreement:
    item: str
    words: str
    kappa: float | None
    n: int


@dataclass(frozen=True)
class Confusion:
    categories: tuple[str, ...]
    rows: list[tuple[str, list[int], int]]  # first rater's category, counts by second's category, total
    totals: list[int]


@dataclass(frozen=True)
class AuditAgreement:
    overall: Figures
    by_team: list[tuple[str, Figures]]
    by_clinician: list[tuple[str, str, Figures]]  # (as first or second rater, name, figures)
    clinicians_not_shown: int
    items: list[ItemAgreement]
    lowest: list[ItemAgreement]
    confusion: Confusion
    rules_and_first: Figures
    rules_and_second: Figures


def figures(first: Sequence[str], second: Sequence[str], *, seed: int, resamples: int) -> Figures:
    """Percentage agreement, Cohen's kappa and its seeded 95% bootstrap interval of paired categories."""
    if not first:
        return Figures(0, None, None, None, None)
    table = confusion(first, second).table
    interval = bootstrap_kappa(table, resamples=resamples, seed=seed)
    low, high = interval if interval else (None, None)
    return Figures(len(first), percent_agreement_of(table), kappa_of_table(table), low, high)


def _grouped(
    pairs: Sequence[RatedPair], key: Callable[[RatedPair], str], seed: int, resamples: int
) -> list[tuple[str, Figures]]:
    groups: dict[str, list[RatedPair]] = {}
    for pair in pairs:
        groups.setdefault(key(pair), []).append(pair)
    return [
        (name, figures([p.first for p in group], [p.second for p in group], seed=seed, resamples=resamples))
        for name, group in sorted(groups.items())
    ]


def audit_agreement(
    pairs: Sequence[RatedPair], *, seed: int, resamples: int = AGREEMENT_RESAMPLES
) -> AuditAgreement:
    """Every figure of the agreement page (see the module's doc)."""
    overall = figures([p.first for p in pairs], [p.second for p in pairs], seed=seed, resamples=resamples)
    clinicians = [
        ("First rater", name, shown)
        for name, shown in _grouped(pairs, lambda p: p.first_rater, seed, resamples)
    ] + [
        ("Second rater", name, shown)
        for name, shown in _grouped(pairs, lambda p: p.second_rater, seed, resamples)
    ]
    first_items = np.array([p.first_items for p in pairs], dtype=np.int8).reshape(len(pairs), len(ALL_ITEMS))
    second_items = np.array([p.second_items for p in pairs], dtype=np.int8).reshape(
        len(pairs), len(ALL_ITEMS)
    )
    items = []
    for n, item in enumerate(ALL_ITEMS):
        kappa, counted = weighted_kappa(first_items[:, n], second_items[:, n], LEVELS[item])
        items.append(ItemAgreement(item, ITEMS_BY_ID[item].name, kappa, counted))
    defined = sorted((i for i in items if i.kappa is not None), key=lambda i: (i.kappa, i.item))
    matrix = confusion([p.first for p in pairs], [p.second for p in pairs])
    table = matrix.table.tolist()
    return AuditAgreement(
        overall=overall,
        by_team=_grouped(pairs, lambda p: p.team, seed, resamples),
        by_clinician=[row for row in clinicians if row[2].n >= MIN_PAIRS_PER_CLINICIAN],
        clinicians_not_shown=sum(1 for row in clinicians if row[2].n < MIN_PAIRS_PER_CLINICIAN),
        items=items,
        lowest=defined[:LOWEST_ITEMS_SHOWN],
        confusion=Confusion(
            tuple(matrix.categories),
            [(cat, table[n], sum(table[n])) for n, cat in enumerate(matrix.categories)],
            [int(total) for total in matrix.table.sum(axis=0)],
        ),
        rules_and_first=figures(
            [p.rules_first or NO_SUGGESTION for p in pairs],
            [p.first for p in pairs],
            seed=seed,
            resamples=resamples,
        ),
        rules_and_second=figures(
            [p.rules_second or NO_SUGGESTION for p in pairs],
            [p.second for p in pairs],
            seed=seed,
            resamples=resamples,
        ),
    )


def as_json(agreement: AuditAgreement) -> dict[str, Any]:
    """The figures as plain JSON values (numpy numbers made Python's), to be stored on an agreement run."""
    return plain(asdict(agreement))


def from_json(data: dict[str, Any]) -> AuditAgreement:
    """The figures `as_json` stored, as the agreement page reads them."""

    def figures_of(values: dict[str, Any]) -> Figures:
        return Figures(**values)

    confusion_values = data["confusion"]
    return AuditAgreement(
        overall=figures_of(data["overall"]),
        by_team=[(name, figures_of(values)) for name, values in data["by_team"]],
        by_clinician=[(role, name, figures_of(values)) for role, name, values in data["by_clinician"]],
        clinicians_not_shown=data["clinicians_not_shown"],
        items=[ItemAgreement(**values) for values in data["items"]],
        lowest=[ItemAgreement(**values) for values in data["lowest"]],
        confusion=Confusion(
            tuple(confusion_values["categories"]),
            [(category, counts, total) for category, counts, total in confusion_values["rows"]],
            confusion_values["totals"],
        ),
        rules_and_first=figures_of(data["rules_and_first"]),
        rules_and_second=figures_of(data["rules_and_second"]),
    )


def plain(value: Any) -> Any:
    """`value` with numpy numbers made Python's and NaN made None, for JSON."""
    if isinstance(value, dict):
        return {key: plain(each) for key, each in value.items()}
    if isinstance(value, list | tuple):
        return [plain(each) for each in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None  # JSON (and PostgreSQL's jsonb) has no NaN
    return value
