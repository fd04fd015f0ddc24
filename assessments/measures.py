"""The registry of outcome measures (SPEC §6): one spec per measure, read by forms, scoring, pages and data.

The questionnaires' own content (items, words, scales) lives in `assessments.instruments`, below scoring;
a spec adds how this system records, scores, stores and shows the measure.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

import numpy as np

from assessments import instruments, limits
from assessments.instruments import Scale
from assessments.limits import Limit
from assessments.scoring import (
    Answers,
    MissingDataRules,
    Scores,
    score_cgas_answers,
    score_goals_answers,
    score_honosca_answers,
    score_rcads_answers,
    score_sdq_answers,
)
from assessments.scoring_arrays import Scores as ArrayScores
from assessments.scoring_arrays import (
    honosca_score_arrays,
    rcads_score_arrays,
    sdq_impact_arrays,
    sdq_score_arrays,
)

ScoreFunction = Callable[[Answers, str, MissingDataRules], Scores]
ArrayScoreFunction = Callable[[np.ndarray, MissingDataRules], ArrayScores]
ImpactArrayFunction = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Option:
    """One response option: the word shown, the value a form or CSV cell carries, the code it means."""

    word: str
    value: str
    code: int | None  # None: the option records that the item is not known


@dataclass(frozen=True)
class ResponseOptions:
    """The options of an item, and how a CSV cell may give one (`accepted` is said in error messages)."""

    options: tuple[Option, ...]
    name: str  # "an SDQ response": what a cell should be
    accepted: str
    words_in_cells: bool  # whether a CSV cell may hold the word (any case) instead of the value

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(option.word for option in self.options)

    @property
    def max_code(self) -> int:
        return max(option.code for option in self.options if option.code is not None)

    @property
    def cell_codes(self) -> Mapping[str, int | None]:
        """Every text a CSV cell may hold, with its code; a blank cell is unanswered."""
        codes: dict[str, int | None] = {"": None}
        for option in self.options:
            codes[option.value] = option.code
            if self.words_in_cells:
                codes.update({option.word: option.code, option.word.lower(): option.code})
        return MappingProxyType(codes)

    def code_of(self, value: str) -> int | None:
        """The code of a form or cell value; "" (no answer) and a not-known value are None."""
        if value == "":
            return None
        for option in self.options:
            if option.value == value:
                return option.code
        raise ValueError(f"{value!r} is not {self.name} ({self.accepted})")

    def value_of(self, code: int | None) -> str:
        """The form value showing a stored code; an unanswered or not-known item shows blank."""
        return "" if code is None else next(o.value for o in self.options if o.code == code)


def _worded(words: tuple[str, ...], name: str) -> ResponseOptions:
    options = tuple(Option(word, str(code), code) for code, word in enumerate(words))
    return ResponseOptions(options, name, f"{', '.join(words)} or 0-{len(words) - 1}", words_in_cells=True)


def _rated(low: int, high: int, name: str, not_known: str | None = None) -> ResponseOptions:
    options = tuple(Option(str(n), str(n), n) for n in range(low, high + 1))
    accepted = f"{low}-{high}"
    if not_known is not None:
        options += (Option("Not known", not_known, None),)
        accepted += f", or {not_known} for not known"
    return ResponseOptions(options, name, accepted, words_in_cells=False)


class Entry(StrEnum):
    """How a clinician enters a measure on its form."""

    RADIO_TABLE = "every item a row of radio buttons under the response words"
    GOAL_SELECTS = "one rating per goal agreed for the case"
    NUMBER = "one whole number"


@dataclass(frozen=True)
class MeasureSpec:
    """Everything the system knows about one outcome measure."""

    code: str
    label: str
    informants: tuple[str, ...]
    items: tuple[int, ...]
    item_label: str  # "Item": an item's form label is "Item 3"
    entry: Entry
    responses: ResponseOptions | None  # None: entered as a number within `limit`
    scales: tuple[Scale, ...]  # scales summed from items
    score_columns: tuple[str, ...]  # every score stored with a response, in display order
    score_ranges: Mapping[str, tuple[int, int]]
    headline_scales: tuple[str, ...]  # the scores charted on the case page
    score: ScoreFunction
    missing_data_rule: str | None = None  # the MissingDataRules field it reads; None: fixed by SPEC §6
    limit: Limit | None = None  # the limit of a number or rating entered directly
    item_keys: Mapping[int, str] = field(default_factory=dict)  # stored key of an item, if not its number
    item_sections: tuple[tuple[str, tuple[int, ...]], ...] = ()  # form sections; () = one of every item
    # The SDQ impact supplement: its opening overall question (key, options, label), then the impact areas.
    overall_question: str | None = None
    overall_responses: ResponseOptions | None = None
    overall_label: str = ""
    impact_items: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # by informant
    impact_responses: ResponseOptions | None = None
    impact_labels: Mapping[str, str] = field(default_factory=dict)
    scale_labels: Mapping[str, str] = field(default_factory=dict)
    batch_score_columns: tuple[str, ...] = ()  # the score columns of a batch CSV; () = no batch scoring
    batch_optional_items: tuple[int, ...] = ()  # item columns a batch CSV may leave out (all not known)
    score_arrays: ArrayScoreFunction | None = None  # the batch scorer: items x rows codes, -1 unanswered
    # The batch scorer of the supplement: (informant positions, supplement keys x rows codes) -> impact.
    impact_arrays: ImpactArrayFunction | None = None
    supplement_keys: tuple[str, ...] = ()  # the supplement's answers in batch column order

    def scale_label(self, scale: str) -> str:
        return self.scale_labels.get(scale, scale.replace("_", " ").capitalize())

    def sections(self) -> tuple[tuple[str, tuple[int, ...]], ...]:
        """The form's sections of items, with their titles."""
        return self.item_sections or ((f"{self.item_label}s", self.items),)

    def item_key(self, item: int) -> str:
        """The name of an item as a form field and as a key of the stored answers."""
        return self.item_keys.get(item, str(item))

    def answers_from_json(self, stored: Mapping[str, object]) -> Answers:
        """The typed answers of a response's stored JSON (item keys as strings, impact areas mixed in)."""
        item_of = {self.item_key(item): item for item in self.items}
        areas = {area for areas in self.impact_items.values() for area in areas}
        if self.overall_question is not None:
            areas.add(self.overall_question)
        items: dict[int, int | None] = {}
        impact: dict[str, int | None] = {}
        for key, code in stored.items():
            if code is not None and type(code) is not int:
                raise ValueError(f"{self.label} answer {key!r}: {code!r} is not a response code")
            if key in item_of:
                items[item_of[key]] = code
            elif key in areas:
                impact[key] = code
            else:
                raise ValueError(f"{self.label} has no item {key!r}")
        return Answers(items=items, impact=impact)

    def answers_to_json(self, answers: Answers) -> dict[str, int | None]:
        """The stored JSON of typed answers: the inverse of `answers_from_json`."""
        return {self.item_key(item): code for item, code in answers.items.items()} | dict(answers.impact)

    def supplement_of(self, informant: str) -> tuple[str, ...]:
        """The keys of the impact supplement on the informant's form: the overall question, then the areas."""
        overall = () if self.overall_question is None else (self.overall_question,)
        return (*overall, *self.impact_items.get(informant, ()))

    def score_batch_row(
        self,
        items: Mapping[int, int | None],
        params: MissingDataRules,
        informant: str | None = None,
        supplement: Mapping[str, int | None] = MappingProxyType({}),
    ) -> Scores:
        """The batch score columns of one CSV row: its item codes, and its informant and supplement codes."""
        scores = self.score(Answers(items=items, impact=supplement), informant or self.informants[0], params)
        return {column: scores[column] for column in self.batch_score_columns}


def _ranges(
    scales: tuple[Scale, ...], max_code: int, **totals: tuple[int, int]
) -> Mapping[str, tuple[int, int]]:
    return MappingProxyType({scale.name: (0, len(scale.items) * max_code) for scale in scales} | totals)


_SDQ_RESPONSES = _worded(instruments.SDQ_RESPONSES, "an SDQ response")
_SDQ_COLUMNS = (
    "emotional",
    "conduct",
    "hyperactivity",
    "peer",
    "prosocial",
    "total_difficulties",
    "externalising",
    "internalising",
    "impact",
)
SDQ = MeasureSpec(
    code="sdq",
    label="SDQ",
    informants=("parent", "teacher", "self"),
    items=instruments.SDQ_ITEMS,
    item_label="Item",
    entry=Entry.RADIO_TABLE,
    responses=_SDQ_RESPONSES,
    scales=instruments.SDQ_SCALES,
    score_columns=_SDQ_COLUMNS,
    # Impact reaches 10 on the parent and self-report versions, 6 on the teacher's (SPEC §6).
    score_ranges=_ranges(
        instruments.SDQ_SCALES,
        _SDQ_RESPONSES.max_code,
        total_difficulties=(0, 40),
        externalising=(0, 20),
        internalising=(0, 20),
        impact=(0, 10),
    ),
    headline_scales=("total_difficulties",),
    score=score_sdq_answers,
    overall_question=instruments.SDQ_OVERALL,
    overall_responses=_worded(instruments.SDQ_OVERALL_RESPONSES, "an SDQ overall-difficulties answer"),
    # A short name of the question, not the questionnaire's (licensed) words.
    overall_label="Overall difficulties",
    impact_items=instruments.SDQ_IMPACT_ITEMS,
    impact_responses=_worded(instruments.SDQ_IMPACT_RESPONSES, "an SDQ impact response"),
    # Short names of the impact areas, not the questionnaire's (licensed) words.
    impact_labels=MappingProxyType(
        {
            "distress": "Distress",
            "home_life": "Home life",
            "friendships": "Friendships",
            "classroom_learning": "Classroom learning",
            "leisure_activities": "Leisure activities",
            "peer_relationships": "Peer relationships",
        }
    ),
    scale_labels=MappingProxyType({"total_difficulties": "Total difficulties"}),
    batch_score_columns=_SDQ_COLUMNS,
    score_arrays=sdq_score_arrays,
    impact_arrays=sdq_impact_arrays,
    supplement_keys=instruments.SDQ_SUPPLEMENT_KEYS,
)

_RCADS_RESPONSES = _worded(instruments.RCADS_RESPONSES, "an RCADS response")
_RCADS_COLUMNS = ("separation", "social", "gad", "panic", "ocd", "depression", "total_anxiety", "total")
RCADS = MeasureSpec(
    code="rcads",
    label="RCADS",
    informants=("self", "parent"),
    items=instruments.RCADS_ITEMS,
    item_label="Item",
    entry=Entry.RADIO_TABLE,
    responses=_RCADS_RESPONSES,
    scales=instruments.RCADS_SUBSCALES,
    score_columns=_RCADS_COLUMNS,
    score_ranges=_ranges(
        instruments.RCADS_SUBSCALES, _RCADS_RESPONSES.max_code, total_anxiety=(0, 111), total=(0, 141)
    ),
    headline_scales=("total",),
    score=score_rcads_answers,
    missing_data_rule="rcads_max_missing_per_subscale",
    scale_labels=MappingProxyType({"total_anxiety": "Total anxiety", "gad": "GAD", "ocd": "OCD"}),
    batch_score_columns=_RCADS_COLUMNS,
    score_arrays=rcads_score_arrays,
)

_HONOSCA_SECTION_A = Scale("section_a_total", instruments.HONOSCA_SECTION_A)
_HONOSCA_ALL = Scale("total", instruments.HONOSCA_SCALES)
# The paper form's "9 = not known" exists only here: a form or CSV value of 9 is read as None.
_HONOSCA_RATINGS = _rated(0, instruments.HONOSCA_MAX_RATING, "a HoNOSCA rating", not_known="9")
HONOSCA = MeasureSpec(
    code="honosca",
    label="HoNOSCA",
    informants=("clinician",),
    items=instruments.HONOSCA_SCALES,
    item_label="Scale",
    entry=Entry.RADIO_TABLE,
    responses=_HONOSCA_RATINGS,
    scales=(_HONOSCA_SECTION_A, _HONOSCA_ALL),
    score_columns=("section_a_total", "total"),
    score_ranges=_ranges((_HONOSCA_SECTION_A, _HONOSCA_ALL), _HONOSCA_RATINGS.max_code),
    # Section A rates the young person's problems; section B (information, access) is not an outcome.
    headline_scales=("section_a_total",),
    score=score_honosca_answers,
    missing_data_rule="honosca_max_not_known",
    scale_labels=MappingProxyType({"section_a_total": "Section A total", "total": "Total (15 scales)"}),
    batch_score_columns=("section_a_total", "total"),
    batch_optional_items=instruments.HONOSCA_SECTION_B,
    item_sections=(
        ("Section A", instruments.HONOSCA_SECTION_A),
        ("Section B (information and access)", instruments.HONOSCA_SECTION_B),
    ),
    score_arrays=honosca_score_arrays,
)

CGAS = MeasureSpec(
    code="cgas",
    label="CGAS",
    informants=("clinician",),
    items=(1,),
    item_label="CGAS score",
    entry=Entry.NUMBER,
    responses=None,
    scales=(Scale("cgas", (1,)),),
    score_columns=("cgas",),
    score_ranges=MappingProxyType({"cgas": (limits.CGAS_SCORE.low, limits.CGAS_SCORE.high)}),
    headline_scales=("cgas",),
    score=score_cgas_answers,
    limit=limits.CGAS_SCORE,
    item_keys=MappingProxyType({1: "cgas"}),
    scale_labels=MappingProxyType({"cgas": "CGAS"}),
)

_GOAL_NUMBERS = tuple(range(limits.GOAL_NUMBER.low, limits.GOAL_NUMBER.high + 1))
_GOAL_SCALES = tuple(Scale(f"goal_{number}", (number,)) for number in _GOAL_NUMBERS)
GOALS = MeasureSpec(
    code="goals",
    label="Goal-based outcomes",
    informants=("self", "parent"),
    items=_GOAL_NUMBERS,
    item_label="Goal",
    entry=Entry.GOAL_SELECTS,
    responses=_rated(limits.GOAL_RATING.low, limits.GOAL_RATING.high, "a goal rating"),
    scales=_GOAL_SCALES,
    score_columns=tuple(scale.name for scale in _GOAL_SCALES),
    score_ranges=MappingProxyType(
        {scale.name: (limits.GOAL_RATING.low, limits.GOAL_RATING.high) for scale in _GOAL_SCALES}
    ),
    headline_scales=tuple(scale.name for scale in _GOAL_SCALES),
    score=score_goals_answers,
    limit=limits.GOAL_RATING,
    scale_labels=MappingProxyType({f"goal_{number}": f"Goal {number}" for number in _GOAL_NUMBERS}),
)

MEASURES: Mapping[str, MeasureSpec] = MappingProxyType(
    {spec.code: spec for spec in (SDQ, RCADS, HONOSCA, CGAS, GOALS)}
)


def measure(code: str) -> MeasureSpec:
    """The spec of a measure by its code; ValueError naming the known codes if there is none."""
    try:
        return MEASURES[code]
    except KeyError:
        raise ValueError(f"unknown measure {code!r}: expected one of {', '.join(MEASURES)}") from None


def score_answers(code: str, informant: str, answers: Answers, params: MissingDataRules) -> Scores:
    """Every score of one response, by the scorer its measure's spec names."""
    return measure(code).score(answers, informant, params)
