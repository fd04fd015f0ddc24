"""Two sets of Current View ratings item by item, in the form's words, with where they differ: what a second
rater and a vignette's rater see once they have submitted. Pure."""

from collections.abc import Mapping
from dataclasses import dataclass

from assessments.current_view_items import ITEMS, RESPONSES, CurrentViewItem


@dataclass(frozen=True)
class ItemDifference:
    item: CurrentViewItem
    reference: str
    yours: str
    differs: bool
    steps: int | None  # how many rating steps apart; None when either is Not known


def _words(item: CurrentViewItem, code: int | None) -> str:
    return next(word for word, value in RESPONSES[item.response_scale].items() if value == code)


def differences(reference: Mapping[str, int | None], yours: Mapping[str, int | None]) -> list[ItemDifference]:
    """Every item in the form's order with both answers in words, and whether (and how far) they differ."""
    rows = []
    for item in ITEMS:
        a, b = reference[item.id], yours[item.id]
        rows.append(
            ItemDifference(
                item=item,
                reference=_words(item, a),
                yours=_words(item, b),
                differs=a != b,
                steps=abs(a - b) if a is not None and b is not None else None,
            )
        )
    return rows
