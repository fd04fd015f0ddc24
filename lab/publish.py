"""Publish a fitted tree as a new rules version (issue 19 point 4): each leaf a grouping, each path a rule.

The version is a path version (groupings/path_rules.py): path P01 suggests grouping L01, the leaf L1, when
the Current View takes the leaf's path, with Not known an answer of its own exactly as the tree reads it
(below None), so the engine puts every Current View in the leaf FittedModel.apply gives. Before the paths,
the engine makes the same Not known check as for every version (SPEC section 3): a Current View with too
many problem descriptions Not known gets no suggestion, whatever the tree would say. The check's threshold
and the flags are those of the version it is based on (the current one).

Each leaf's grouping takes its expected appointments from the leaf's mean (rounded), and its super-group and
review interval from the grouping of the base version's catalogue whose expected appointments are nearest
(the administrator may change them). The version is never current when published: an administrator makes
it current in the admin. Re-grouping, the movement table and agreement read it as any other version.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from accounts.audit import Action, record
from accounts.models import Role
from assessments.current_view_items import ITEMS_BY_ID, MAX_CODE
from camhs_pbr.lib.text import RefusedText, clean_text
from groupings.models import Grouping, RulesVersion
from groupings.rules import NOT_KNOWN_CODE, ruleset_from_definition
from groupings.selectors import NoSuchRulesVersion, current_rules_version
from lab.descriptions import Condition
from lab.methods import FitResult

LABEL_MAX = RulesVersion._meta.get_field("label").max_length or 50
NAME_MAX = Grouping._meta.get_field("name").max_length or 120


class PublishRefused(ValueError):
    """The tree cannot be published as asked; the message is for the user."""


@dataclass(frozen=True)
class Leaf:
    """A tree leaf as published: its label (L1), episodes, mean appointments, path in words and conditions."""

    label: str
    size: int
    mean_appointments: float
    description: str
    conditions: tuple[Condition, ...]


def tree_leaves(result: FitResult | Mapping[str, Any]) -> list[Leaf]:
    """The leaves of a tree fit, from its FitResult or its stored JSON (FitResult.to_json()), leftmost first."""
    if isinstance(result, FitResult):
        if result.method != "tree":
            raise PublishRefused(f"Only a regression tree can be published, not {result.method}.")
        groups: Sequence[Any] = [
            {**group.to_json(), "conditions": [c.to_json() for c in group.conditions]}
            for group in result.groups
        ]
    else:
        if result.get("method") != "tree":
            raise PublishRefused(f"Only a regression tree can be published, not {result.get('method')!r}.")
        groups = result.get("groups") or []
    if not groups:
        raise PublishRefused("The tree has no leaves to publish.")
    return [_leaf(n, group) for n, group in enumerate(groups)]


def _leaf(n: int, group: Any) -> Leaf:
    where = f"groups[{n}]"
    try:
        conditions = tuple(_condition(c) for c in group.get("conditions") or ())
        return Leaf(
            label=str(group["label"]),
            size=int(group["size"]),
            mean_appointments=float(group["mean_appointments"]),
            description=str(group["description"]),
            conditions=conditions,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise PublishRefused(f"The tree's {where} cannot be read: {error}") from None


def _condition(data: Mapping[str, Any]) -> Condition:
    item, lowest, highest = data["item"], data["lowest"], data["highest"]
    if item not in ITEMS_BY_ID:
        raise ValueError(f"unknown item {item!r}")
    top = MAX_CODE[ITEMS_BY_ID[item].response_scale]
    if not (
        isinstance(lowest, int) and isinstance(highest, int) and NOT_KNOWN_CODE <= lowest <= highest <= top
    ):
        raise ValueError(f"{item}: codes {lowest!r} to {highest!r} are not a range of its answers")
    return Condition(item, lowest, highest)


def answers(condition: Condition) -> list[int | None]:
    """The answers a leaf's code range takes, as a path condition: null (None) for Not known, the lowest."""
    return [
        None if code == NOT_KNOWN_CODE else code for code in range(condition.lowest, condition.highest + 1)
    ]


def path_id(n: int) -> str:
    return f"P{n:02d}"


def grouping_code(n: int) -> str:
    return f"L{n:02d}"


def paths_definition(
    leaves: Sequence[Leaf], *, insufficient_not_known_at_least: int, flags: Mapping[str, Any]
) -> dict[str, Any]:
    """A path version's definition: path P<n> suggests grouping L<n> where the n-th leaf's path holds."""
    return {
        "insufficient_not_known_at_least": insufficient_not_known_at_least,
        "paths": [
            {
                "id": path_id(n),
                "grouping": grouping_code(n),
                "conditions": [{"item": c.item, "answers": answers(c)} for c in leaf.conditions],
            }
            for n, leaf in enumerate(leaves, start=1)
        ],
        "flags": dict(flags),
    }


@dataclass(frozen=True)
class CatalogueRow:
    code: str
    super_group: str
    name: str
    review_months: int
    expected_appointments: int


def catalogue_rows(leaves: Sequence[Leaf], base: Sequence[tuple[str, str, int, int]]) -> list[CatalogueRow]:
    """One grouping per leaf. `base`: (code, super-group, review months, expected appointments) of the base
    version's catalogue; the nearest expected appointments give a leaf its super-group and review months
    (on a tie the fewer appointments, then the code)."""
    if not base:
        raise PublishRefused(
            "The current rules version has no groupings to take super-groups and review intervals from."
        )
    rows = []
    for n, leaf in enumerate(leaves, start=1):
        expected = math.floor(leaf.mean_appointments + 0.5)
        _, super_group, months, _ = min(
            base, key=lambda row: (abs(row[3] - leaf.mean_appointments), row[3], row[0])
        )
        rows.append(
            CatalogueRow(
                code=grouping_code(n),
                super_group=super_group,
                name=_shortened(f"Leaf {leaf.label}: {leaf.description}", NAME_MAX),
                review_months=months,
                expected_appointments=expected,
            )
        )
    return rows


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _provenance(result: FitResult | Mapping[str, Any], leaves: Sequence[Leaf]) -> str:
    n: object
    seed: object
    r2: object
    if isinstance(result, FitResult):
        n, seed, r2 = result.n, result.seed, result.scores.get("cv_r2")
    else:
        n, seed, r2 = result.get("n"), result.get("seed"), result.get("cv_r2")
    held_out = f", held-out R² of appointments {r2:.3f}" if isinstance(r2, int | float) else ""
    return (
        f"Published from the algorithm lab: a regression tree of appointments fitted on {n} episodes "
        f"(seed {seed}{held_out}); {len(leaves)} leaves, each a grouping (L01 is leaf L1), each path a rule."
    )


def _checked_label(label: str) -> str:
    try:
        cleaned = clean_text(label).strip()
    except RefusedText as refused:
        raise PublishRefused(f"Label: {refused}") from None
    if not cleaned:
        raise PublishRefused("Give the rules version a label.")
    if len(cleaned) > LABEL_MAX:
        raise PublishRefused(f"A label has at most {LABEL_MAX} characters; this one has {len(cleaned)}.")
    if RulesVersion.objects.filter(label=cleaned).exists():
        raise PublishRefused(_taken(cleaned))
    return cleaned


def _taken(label: str) -> str:
    return f"A rules version labelled {label!r} exists already: choose another label."


def publish_tree(
    user: Any,
    result: FitResult | Mapping[str, Any],
    label: str,
    description: str = "",
    *,
    based_on: RulesVersion | None = None,
) -> RulesVersion:
    """Save a fitted tree (its FitResult or stored JSON) as a new rules version that is not current, with
    one grouping per leaf, in one transaction, audited. Raises PublishRefused with a message for the user."""
    if getattr(user, "role", None) != Role.SERVICE_MANAGER:
        raise PublishRefused("Only a service manager can publish a tree as a rules version.")
    leaves = tree_leaves(result)
    label = _checked_label(label)
    try:
        text = clean_text(description, multiline=True).strip()
    except RefusedText as refused:
        raise PublishRefused(f"Description: {refused}") from None
    try:
        base = based_on or current_rules_version()
    except NoSuchRulesVersion as missing:
        raise PublishRefused(str(missing)) from None
    base_rules = base.ruleset()
    definition = paths_definition(
        leaves,
        insufficient_not_known_at_least=base_rules.insufficient_not_known_at_least,
        flags=base_rules.flags.model_dump(mode="json"),
    )
    try:
        ruleset_from_definition(label, definition)
    except ValueError as error:
        raise PublishRefused(f"The tree cannot be published: {error}") from None
    rows = catalogue_rows(
        leaves,
        list(base.groupings.values_list("code", "super_group", "review_months", "expected_appointments")),
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                rules_version = RulesVersion.objects.create(
                    label=label,
                    description="\n\n".join(part for part in (text, _provenance(result, leaves)) if part),
                    rules_definition=definition,
                    is_current=False,
                )
        except IntegrityError:
            raise PublishRefused(_taken(label)) from None
        Grouping.objects.bulk_create(
            Grouping(
                rules_version=rules_version,
                code=row.code,
                super_group=row.super_group,
                name=row.name,
                review_months=row.review_months,
                expected_appointments=row.expected_appointments,
                suggestible=True,
            )
            for row in rows
        )
        if faults := rules_version.catalogue_faults():
            raise PublishRefused(f"The tree cannot be published: {'; '.join(faults)}.")
        record(Action.PUBLISH_RULES_VERSION, by=user, target=rules_version)
    return rules_version
