"""Aggregates for managers: where a rules version would move open cases, and agreement with suggestions.

Both count every open case (or allocation) in the user's scope, so the database groups them by team and
grouping id and the codes and team names are put on the few aggregated rows afterwards. The aggregated rows
are kept in the cache per team (a scope's figures add up from its teams': the provider's service manager and
a team's manager count that team once between them), and the figures per scope, each under the rules version,
the names and a stamp of the tables they count (`data_stamp`): a page that nothing has changed since is served
from the cache, anything recorded since is counted again.

A grouping with an add-on counts as its own category, "GH03 + GA02" (rules.pair_code), on both sides: a case
allocated GH03 that a version suggests as GH03 + GA02 moves, and an allocation agrees with its suggestion
only when both the grouping and the add-on match.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    Expression,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.models import Team
from assessments.models import Case, CaseQuerySet, CurrentView, CurrentViewVersion
from assessments.selectors import current_views_latest_first
from camhs_pbr.figures_cache import cached, cached_parts, stamp
from camhs_pbr.lib.db import without_jit
from groupings.agreement import Agreement, agreement_by
from groupings.models import Allocation, Grouping, RulesVersion, Suggestion, open_allocation
from groupings.rules import pair_code

# pandas (and the pyarrow it loads) is imported where frames are built: every process loads this module, few
# build one (tests/test_startup_imports.py).
if TYPE_CHECKING:
    import pandas as pd

NONE_ALLOCATED = "None allocated"
NOT_YET_RUN = "Not yet run"
NO_CURRENT_VIEW = "No Current View"
NO_SUGGESTION = "No suggestion"
# How the grouped query encodes the new suggestion of a case besides a grouping id.
_NOT_YET_RUN, _NO_SUGGESTION = -1, 0
CACHE_SECONDS = 600

Rows = list[tuple]


def data_stamp() -> tuple:
    """Changes whenever a case, allocation, Current View or suggestion is added, a case is changed (a
    discharge, which also ends its allocation, or a reopening) or a Current View corrected (its suggestions
    recomputed): what the movement and agreement count."""
    return stamp(
        (Case.objects.all(), "updated_at"),
        (Case.objects.all(), "pk"),
        (Allocation.objects.all(), "pk"),
        (CurrentView.objects.all(), "pk"),
        (CurrentViewVersion.objects.all(), "pk"),
        (Suggestion.objects.all(), "pk"),
    )


def _codes() -> dict[int, str]:
    return dict(Grouping.objects.values_list("pk", "code"))


def _movement_rows(cases: CaseQuerySet, rules_version: RulesVersion) -> Rows:
    """(team id, allocated grouping id or None, its add-on id or None, the new suggestion's grouping id or one
    of the codes above, its add-on id or None, cases) over the open referrals of `cases`. The suggestion's add-on is
    read only for a version that has add-on rules (one more correlated subquery)."""

    def latest_of(stored: Expression | Subquery) -> Subquery:
        """`stored` read for the case's latest Current View; None when the case has no Current View."""
        return Subquery(current_views_latest_first().values(value=stored)[:1])

    suggestions = Suggestion.objects.filter(current_view=OuterRef("pk"), rules_version=rules_version)
    # A Current View that this version has not suggested from yet reads "not yet run" (no suggestion row).
    to_value = latest_of(
        Coalesce(
            Subquery(suggestions.values(value=Coalesce("grouping_id", _NO_SUGGESTION))[:1]),
            _NOT_YET_RUN,
            output_field=IntegerField(),
        )
    )
    has_add_ons = bool(rules_version.ruleset().add_on_params())
    to_add_on = (
        latest_of(Subquery(suggestions.values("add_on_grouping_id")[:1]))
        if has_add_ons
        else Value(None, output_field=IntegerField())
    )
    rows = (
        cases.open_referrals()
        .annotate(open_allocation=FilteredRelation("allocations", condition=open_allocation("allocations__")))
        .annotate(
            from_id=F("open_allocation__grouping_id"),
            from_add_on=F("open_allocation__add_on_grouping_id"),
            to_value=to_value,
            to_add_on=to_add_on,
        )
        .values("team_id", "from_id", "from_add_on", "to_value", "to_add_on")
        .annotate(cases=Count("pk"))
        .order_by()
    )
    return [
        (r["team_id"], r["from_id"], r["from_add_on"], r["to_value"], r["to_add_on"], r["cases"])
        for r in rows
    ]


def _pair(codes: dict[int, str], grouping_id: int, add_on_id: int | None) -> str:
    return pair_code(codes[grouping_id], codes[add_on_id] if add_on_id is not None else None) or ""


def _movement_table(rows: Rows, codes: dict[int, str]) -> pd.DataFrame:
    import pandas as pd

    special = {None: NO_CURRENT_VIEW, _NOT_YET_RUN: NOT_YET_RUN, _NO_SUGGESTION: NO_SUGGESTION}
    table = pd.DataFrame(
        [
            (
                NONE_ALLOCATED if from_id is None else _pair(codes, from_id, from_add_on),
                special[to_value] if to_value in special else _pair(codes, to_value, to_add_on),
                cases,
            )
            for _team, from_id, from_add_on, to_value, to_add_on, cases in rows
        ],
        columns=["from_code", "to_code", "cases"],
    )
    table = table.groupby(["from_code", "to_code"], as_index=False).agg(cases=("cases", "sum"))
    table["moves"] = table["from_code"] != table["to_code"]
    return table.sort_values(["cases", "from_code"], ascending=[False, True], ignore_index=True)


def _agreement_rows(cases: CaseQuerySet) -> Rows:
    """(team id, suggested grouping id, its add-on id, allocated grouping id, its add-on id, allocations) over
    every allocation made from a suggestion in `cases`, ended ones too."""
    rows = (
        cases.filter(allocations__suggestion__isnull=False)
        .values(
            "team_id",
            "allocations__suggested_grouping_id",
            "allocations__suggested_add_on_grouping_id",
            "allocations__grouping_id",
            "allocations__add_on_grouping_id",
        )
        .annotate(n=Count("allocations"))
        .order_by()
    )
    return [
        (
            row["team_id"],
            row["allocations__suggested_grouping_id"],
            row["allocations__suggested_add_on_grouping_id"],
            row["allocations__grouping_id"],
            row["allocations__add_on_grouping_id"],
            row["n"],
        )
        for row in rows
    ]


def _agreement(rows: Rows, codes: dict[int, str], teams: dict[int, str]) -> dict[str, Agreement]:
    import pandas as pd

    if not rows:
        return {}
    pairs = pd.DataFrame(
        [
            (
                teams[team],
                NO_SUGGESTION if suggested is None else _pair(codes, suggested, suggested_add_on),
                _pair(codes, allocated, add_on),
                n,
            )
            for team, suggested, suggested_add_on, allocated, add_on, n in rows
        ],
        columns=["team", "suggested", "allocated", "n"],
    )
    return agreement_by(
        pairs.groupby(["team", "suggested", "allocated"], as_index=False).agg(n=("n", "sum")), "team"
    )


def named_rows(table: pd.DataFrame, rules_version: RulesVersion) -> list[dict]:
    """The movement table's rows with each grouping's name beside its code: the chosen version's names, or
    (for an allocation made under another version) that version's; the plain-words rows have no name."""
    names: dict[str, str] = {}
    for code, name, version in Grouping.objects.order_by("-rules_version_id").values_list(
        "code", "name", "rules_version_id"
    ):
        if version == rules_version.pk or code not in names:
            names[code] = name

    def named(code: str) -> str:
        return " + ".join(names[part] for part in code.split(" + ") if part in names)

    return [
        {**row, "from_name": named(row["from_code"]), "to_name": named(row["to_code"])}
        for row in table.to_dict("records")
    ]


@dataclass(frozen=True)
class TeamRows:
    """One team's aggregated rows (_movement_rows, _agreement_rows), kept apart so scopes can share them."""

    movement: Rows
    agreement: Rows


@dataclass(frozen=True)
class Figures:
    movement: pd.DataFrame
    agreement: dict[str, Agreement]


def _rows_by_team(user, rules_version: RulesVersion, team_ids: list[int], data: tuple) -> dict[int, TeamRows]:
    """Each team's movement and agreement rows, kept per team; the teams not kept are counted together (two
    queries whatever their number), through the user's scope."""

    def count(missing: list[int]) -> dict[int, TeamRows]:
        cases = Case.objects.visible_to(user).filter(team_id__in=missing)
        with without_jit():
            movement_rows = _movement_rows(cases, rules_version)
            agreement_rows = _agreement_rows(cases)
        by_team: dict[int, TeamRows] = {team: TeamRows([], []) for team in missing}
        for row in movement_rows:
            by_team[row[0]].movement.append(row)
        for row in agreement_rows:
            by_team[row[0]].agreement.append(row)
        return by_team

    keys = {team: (team, rules_version.pk, data) for team in team_ids}
    return cached_parts("groupings.movement.team", keys, count, CACHE_SECONDS)


def figures(user, rules_version: RulesVersion) -> Figures:
    """The movement of open cases in the user's scope to the suggestions of `rules_version` (counts by
    current allocation and new suggestion), and the agreement of their allocations with suggestions per
    team and overall."""
    teams = dict(Team.objects.in_scope_of(user).order_by("pk").values_list("pk", "name"))
    codes = _codes()
    data = data_stamp()

    def count() -> Figures:
        parts = _rows_by_team(user, rules_version, list(teams), data).values()
        movement_rows = [row for part in parts for row in part.movement]
        agreement_rows = [row for part in parts for row in part.agreement]
        return Figures(_movement_table(movement_rows, codes), _agreement(agreement_rows, codes, teams))

    # The names are part of the key too, so a renamed team or grouping shows at once.
    key = (sorted(teams.items()), sorted(codes.items()), rules_version.pk, data)
    return cached("groupings.movement", key, count, CACHE_SECONDS).value
