"""Plain words for what a tree leaf or a cluster holds, in the items' names and the form's response words.

A tree path is a set of code intervals, one per item it splits on: `Condition(item, lowest, highest)` over
the int8 codes (-1 = Not known, then 0 up to the item's top code), so Not known is inside an interval only
when `lowest` is -1.
"""

from dataclasses import dataclass

import numpy as np

from assessments.current_view_items import ALL_ITEMS, ITEMS_BY_ID, MAX_CODE, RESPONSES
from groupings.rules import NOT_KNOWN_CODE

_WORDS = {
    scale: {code: word for word, code in responses.items() if code is not None}
    for scale, responses in RESPONSES.items()
}


@dataclass(frozen=True)
class Condition:
    """Codes `lowest`..`highest` of one item (-1 = Not known, included only when lowest is -1)."""

    item: str
    lowest: int
    highest: int

    def to_json(self) -> dict[str, object]:
        return {"item": self.item, "lowest": self.lowest, "highest": self.highest}


def item_label(item: str) -> str:
    """'Panics (p05)'."""
    return f"{ITEMS_BY_ID[item].name} ({item})"


def word(item: str, code: int) -> str:
    """The response word of a stored code of `item` ('Moderate', 'Yes'), 'Not known' for -1."""
    return "Not known" if code == NOT_KNOWN_CODE else _WORDS[ITEMS_BY_ID[item].response_scale][code]


def top_code(item: str) -> int:
    return MAX_CODE[ITEMS_BY_ID[item].response_scale]


def condition_words(condition: Condition) -> str:
    """'Panics (p05) at least Moderate', 'Panics (p05) at most Mild or Not known', 'Panics (p05) Not known'."""
    item, low, high, top = condition.item, condition.lowest, condition.highest, top_code(condition.item)
    label = item_label(item)
    if low == NOT_KNOWN_CODE:
        if high == NOT_KNOWN_CODE:
            return f"{label} Not known"
        if high == top:
            return f"{label} any answer"
        rated = word(item, 0) if high == 0 else f"at most {word(item, high)}"
        return f"{label} {rated} or Not known"
    if low == high:
        return f"{label} {word(item, low)}"
    if high == top:
        return (
            f"{label} rated (any answer but Not known)" if low == 0 else f"{label} at least {word(item, low)}"
        )
    if low == 0:
        return f"{label} at most {word(item, high)}"
    return f"{label} {word(item, low)} to {word(item, high)}"


def path_words(conditions: list[Condition]) -> str:
    """A leaf's conditions joined with '; ', in the form's item order; 'every episode' for none."""
    return "; ".join(condition_words(c) for c in conditions) or "every episode"


def narrowed(conditions: dict[str, Condition], item: str, *, at_most: int | None, above: int | None) -> dict:
    """The path's conditions after one more split: codes <= at_most, or codes > above."""
    current = conditions.get(item, Condition(item, NOT_KNOWN_CODE, top_code(item)))
    low, high = current.lowest, current.highest
    if at_most is not None:
        high = min(high, at_most)
    if above is not None:
        low = max(low, above + 1)
    return {**conditions, item: Condition(item, low, high)}


def high_share(codes: np.ndarray) -> np.ndarray:
    """Per item (columns of a rows x 50 code array): the share rated at least Moderate, or Yes for presence."""
    at_least = np.array([2 if top_code(item) == 3 else 1 for item in ALL_ITEMS], dtype=np.int8)
    return (codes >= at_least).mean(axis=0) if len(codes) else np.zeros(len(ALL_ITEMS))


def profile_words(member_share: np.ndarray, overall_share: np.ndarray, *, most: int = 3) -> str:
    """A cluster's items that stand out most against everyone (share at least Moderate, or Yes), in words."""
    lift = member_share - overall_share
    order = [n for n in np.argsort(-lift, kind="stable")[:most] if lift[n] >= 0.05]
    if not order:
        return "no item stands out: mostly lower ratings than the whole population"
    parts = []
    for n in order:
        item = ALL_ITEMS[n]
        level = "at least Moderate" if top_code(item) == 3 else "Yes"
        parts.append(
            f"{item_label(item)} {level} in {member_share[n]:.0%} (all episodes: {overall_share[n]:.0%})"
        )
    return "; ".join(parts)
