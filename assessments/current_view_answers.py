"""A saved Current View read back as the form asks it: its sections, each item with the answer in the
form's words. Every item of a saved Current View was answered (the form requires each; a batch row's blank
cell is Not known), so None is always "Not known", never "not answered" (SPEC section 2)."""

from collections.abc import Mapping
from dataclasses import dataclass

from assessments.current_view_items import ITEMS, RESPONSES, CurrentViewItem
from assessments.forms import SECTION_TITLES


@dataclass(frozen=True)
class Answer:
    item: CurrentViewItem
    words: str
    not_known: bool
    rated: bool  # a difficulty or a complexity factor is there (a rating above None/No)


@dataclass(frozen=True)
class AnsweredSection:
    title: str
    answers: list[Answer]

    @property
    def not_known(self) -> int:
        return sum(answer.not_known for answer in self.answers)


def _words(scale: str, code: int | None) -> str:
    return next(word for word, value in RESPONSES[scale].items() if value == code)


def answered_sections(ratings: Mapping[str, int | None]) -> list[AnsweredSection]:
    """The form's sections in its order, each item with its answer in the form's words."""
    return [
        AnsweredSection(
            title=title,
            answers=[
                Answer(
                    item=item,
                    words=_words(item.response_scale, ratings[item.id]),
                    not_known=ratings[item.id] is None,
                    rated=bool(ratings[item.id]),
                )
                for item in ITEMS
                if item.section == section
            ],
        )
        for section, title in SECTION_TITLES.items()
    ]


@dataclass(frozen=True)
class ChangedAnswer:
    item: CurrentViewItem
    before: str
    after: str


def changed_answers(before: Mapping[str, int | None], after: Mapping[str, int | None]) -> list[ChangedAnswer]:
    """The items whose answer a correction changed, in the form's order, each answer in the form's words."""
    return [
        ChangedAnswer(
            item, _words(item.response_scale, before[item.id]), _words(item.response_scale, after[item.id])
        )
        for item in ITEMS
        if before[item.id] != after[item.id]
    ]
