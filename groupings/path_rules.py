"""Path rules: a rules version whose rules are the paths of a regression tree (issue 19 point 4), applied by
the same engine as the rule table (groupings/rules.py), first match wins, after the same Not known check.

A path is an id ("P03"), the grouping it suggests and its conditions, each an item and the answers that
satisfy it: stored codes, JSON null for Not known (Not known is an answer like any other, as in the lab's
tree, where it is a value below None). A Current View takes a path when every condition holds; a path
without conditions takes every Current View. A path version's definition holds
`insufficient_not_known_at_least`, `paths` and `flags` (no domains or thresholds: the paths name their
answers), and every Current View must take at least one path, which the schema checks. Pure: pydantic and
numpy, no ORM.
"""

from collections.abc import Mapping, Sequence
from typing import Annotated, Self

import numpy as np
from pydantic import (
    AfterValidator,
    Field,
    StrictInt,
    StrictStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from assessments.current_view_items import ALL_ITEMS, ITEMS_BY_ID, MAX_CODE, RESPONSES
from groupings.rule_table import NOT_KNOWN_CODE, item_words
from groupings.rules_version import ItemId, Params, RuleSet, Text

__all__ = ["AnswerCondition", "Path", "PathRuleSet", "path_matches", "path_words"]

_POSITION = {item: n for n, item in enumerate(ALL_ITEMS)}
_COVERAGE_STEPS = 200_000  # regions examined at most when checking that every Current View takes a path
Region = dict[str, frozenset[int]]


def _codes_of(item: str) -> frozenset[int]:
    """Every answer of an item as an engine code: NOT_KNOWN_CODE, then 0 up to the item's top code."""
    return frozenset(range(NOT_KNOWN_CODE, MAX_CODE[ITEMS_BY_ID[item].response_scale] + 1))


def _path_id(value: str) -> str:
    if not (value[:1] == "P" and value[1:].isascii() and value[1:].isdigit() and len(value) <= 12):
        raise ValueError(f"a path id is P and a number (e.g. P03), at most 12 characters, got {value!r}")
    return value


def answer_words(item: str, codes: frozenset[int]) -> str:
    """'Not known, None or Mild': the answers in the form's words, Not known first, then rising."""
    words = {code: word for word, code in RESPONSES[ITEMS_BY_ID[item].response_scale].items()}
    named = [words[None if code == NOT_KNOWN_CODE else code] for code in sorted(codes)]
    return ", ".join(named[:-1]) + " or " + named[-1] if len(named) > 1 else named[0]


def _region_words(region: Region) -> str:
    parts = [f"{item_words([item])} {answer_words(item, codes)}" for item, codes in region.items()]
    return " and ".join(parts) if parts else "any answers"


class AnswerCondition(Params):
    """An item and the answers that satisfy it (stored codes; null is Not known)."""

    item: ItemId
    answers: Annotated[tuple[StrictInt | None, ...], Field(min_length=1)]

    @field_validator("answers")
    @classmethod
    def _answers_of_the_item(
        cls, value: tuple[int | None, ...], info: ValidationInfo
    ) -> tuple[int | None, ...]:
        item = info.data.get("item")
        if item is None:
            return value  # the item's own error is reported
        top = MAX_CODE[ITEMS_BY_ID[item].response_scale]
        for answer in value:
            if answer is not None and not 0 <= answer <= top:
                raise ValueError(
                    f"{answer!r} is not an answer of {item}: expected 0 to {top}, or null for Not known"
                )
        if len(set(value)) != len(value):
            raise ValueError(f"duplicated answers in {list(value)!r}")
        return value

    @property
    def codes(self) -> frozenset[int]:
        """The answers as engine codes (NOT_KNOWN_CODE for Not known)."""
        return frozenset(NOT_KNOWN_CODE if answer is None else answer for answer in self.answers)

    def words(self) -> str:
        return f"{item_words([self.item])} is {answer_words(self.item, self.codes)}"


class Path(Params):
    """One path: the grouping it suggests where all its conditions hold."""

    id: Annotated[StrictStr, AfterValidator(_path_id)]
    grouping: Text
    conditions: tuple[AnswerCondition, ...] = ()

    @field_validator("conditions")
    @classmethod
    def _one_condition_per_item(cls, value: tuple[AnswerCondition, ...]) -> tuple[AnswerCondition, ...]:
        items = [condition.item for condition in value]
        if repeated := sorted({item for item in items if items.count(item) > 1}):
            raise ValueError(f"more than one condition on {', '.join(repeated)}: give each item once")
        return value


def path_words(path: Path) -> str:
    """The path in plain words: its conditions in its order."""
    words = [condition.words() for condition in path.conditions]
    if not words:
        return "no conditions, so every Current View with enough information takes this path"
    return "; ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]


def path_matches(codes: np.ndarray, path: Path) -> np.ndarray:
    """Where the path's conditions all hold, over items x rows int8 codes (ALL_ITEMS order, -1 Not known)."""
    met = np.ones(codes.shape[1], dtype=bool)
    for condition in path.conditions:
        accepted = np.zeros(MAX_CODE["severity"] + 2, dtype=bool)  # indexed by code + 1
        accepted[[code + 1 for code in condition.codes]] = True
        met &= accepted[codes[_POSITION[condition.item]] + 1]
    return met


def _uncovered(paths: Sequence[Path]) -> Region | None:
    """Answers of some items that no path takes (a region of Current Views), or None when every Current View
    takes a path. The region is split on one item at a time, into the sets of answers the paths' conditions
    on it tell apart, choosing the item most of the paths still in play name (for a tree's paths that is
    the tree's own split, so the search follows the tree), until the first path in play takes all of a
    region or none is left in it."""
    steps = 0
    conditions = [{c.item: c.codes for c in path.conditions} for path in paths]

    def search(region: Region, in_play: list[int]) -> Region | None:
        nonlocal steps
        steps += 1
        if steps > _COVERAGE_STEPS:
            raise ValueError("too many overlapping paths to check that every Current View takes one")
        if not in_play:
            return region
        have = {item: region.get(item, _codes_of(item)) for n in in_play for item in conditions[n]}
        if all(have[item] <= wanted for item, wanted in conditions[in_play[0]].items()):
            return None  # the first path in play takes every Current View of the region
        splits: dict[str, int] = {}
        for n in in_play:
            for item, wanted in conditions[n].items():
                if have[item] - wanted:
                    splits[item] = splits.get(item, 0) + 1
        item = max(splits, key=lambda name: (splits[name], -_POSITION[name]))
        parts: dict[tuple[bool, ...], set[int]] = {}
        for code in sorted(have[item]):
            told_apart = tuple(code in conditions[n].get(item, ()) for n in in_play)
            parts.setdefault(told_apart, set()).add(code)
        for part in parts.values():
            codes = frozenset(part)
            still = [n for n in in_play if item not in conditions[n] or conditions[n][item] & codes]
            if (found := search({**region, item: codes}, still)) is not None:
                return found
        return None

    return search({}, list(range(len(paths))))


class PathRuleSet(RuleSet):
    """A rules version made of paths (module docstring): first match wins after the Not known check."""

    paths: Annotated[tuple[Path, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _distinct_and_complete(self) -> Self:
        faults: list[tuple[tuple[str | int, ...], str]] = []
        first: dict[str, int] = {}
        for n, path in enumerate(self.paths):
            if path.id in first:
                faults.append((("paths", n, "id"), f"{path.id} is the id of paths[{first[path.id]}] too"))
            first.setdefault(path.id, n)
        if not faults and (region := _uncovered(self.paths)) is not None:
            faults.append(
                (
                    ("paths",),
                    f"no path takes a Current View with {_region_words(region)}: every Current View must "
                    "take a path (a last path without conditions takes every one)",
                )
            )
        if faults:
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [
                    InitErrorDetails(
                        type=PydanticCustomError("rules_version", "{message}", {"message": message}),
                        loc=loc,
                        input=None,
                    )
                    for loc, message in faults
                ],
            )
        return self

    def path(self, path_id: str) -> Path:
        for path in self.paths:
            if path.id == path_id:
                return path
        raise ValueError(f"rules version {self.version!r} has no path {path_id!r}")

    def grouping_codes(self) -> frozenset[str]:
        return frozenset(path.grouping for path in self.paths)


def is_path_definition(definition: Mapping[str, object]) -> bool:
    """Whether a definition is of a path version (it has "paths") rather than of the rule table."""
    return isinstance(definition, Mapping) and "paths" in definition
