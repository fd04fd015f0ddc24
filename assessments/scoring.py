"""Scoring of SDQ, RCADS and HoNOSCA responses and validation of CGAS and goal ratings (SPEC §6)."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from numbers import Integral
from typing import TypeVar

from assessments.instruments import (
    HONOSCA_MAX_RATING,
    HONOSCA_SCALES,
    HONOSCA_SECTION_A,
    RCADS_ANXIETY_SUBSCALES,
    RCADS_ITEMS,
    RCADS_RESPONSES,
    RCADS_SUBSCALES,
    SDQ_EXTERNALISING_SCALES,
    SDQ_IMPACT_ITEMS,
    SDQ_IMPACT_RESPONSE_SCORES,
    SDQ_INTERNALISING_SCALES,
    SDQ_ITEMS,
    SDQ_MIN_ANSWERED_PER_SCALE,
    SDQ_OVERALL,
    SDQ_OVERALL_NO,
    SDQ_PROBLEM_SCALES,
    SDQ_RESPONSES,
    SDQ_SCALES,
    Scale,
)
from assessments.limits import CGAS_SCORE, GOAL_NUMBER, GOAL_RATING

SDQ_MAX_CODE = len(SDQ_RESPONSES) - 1
RCADS_MAX_CODE = len(RCADS_RESPONSES) - 1

Item = TypeVar("Item", int, str)


def _is_integer(value: object) -> bool:
    return type(value) is int or (isinstance(value, Integral) and not isinstance(value, bool))


@dataclass(frozen=True)
class Answers:
    """The raw answers of one response: response codes by item number, and the SDQ impact supplement's
    codes by key (the overall-difficulties answer under SDQ_OVERALL, the impact areas by name).
    None means not answered or not known."""

    items: Mapping[int, int | None]
    impact: Mapping[str, int | None] = field(default_factory=dict)


Scores = dict[str, int | None]


@dataclass(frozen=True)
class MissingDataRules:
    """The PROPOSED missing-data limits of SPEC §6; callers read them from editable reference data."""

    rcads_max_missing_per_subscale: int
    honosca_max_not_known: int

    def __post_init__(self) -> None:
        for rule in fields(self):
            value = getattr(self, rule.name)
            if not _is_integer(value) or value < 0:
                raise ValueError(f"{rule.name} must be a whole number of 0 or more, not {value!r}")


# SPEC §6 (PROPOSED): one unanswered RCADS item per subscale is pro-rated; more than 3 of 13 HoNOSCA
# scales not known makes section A's total missing (and more than 3 of 15 the total). For the data
# migrations and tests only.
SPEC_MISSING_DATA_RULES = MissingDataRules(rcads_max_missing_per_subscale=1, honosca_max_not_known=3)


@dataclass(frozen=True)
class SdqScores:
    """SDQ scale scores (0-10), total difficulties (0-40), externalising and internalising (0-20); None where
    SPEC §6 makes them missing."""

    emotional: int | None
    conduct: int | None
    hyperactivity: int | None
    peer: int | None
    prosocial: int | None
    total_difficulties: int | None
    externalising: int | None
    internalising: int | None

    def as_dict(self) -> dict[str, int | None]:
        """The scores keyed by their column names, in column order; None for a missing score."""
        return dict(vars(self))


@dataclass(frozen=True)
class RcadsScores:
    """RCADS subscale scores, total anxiety (0-111) and total (0-141); None where missing."""

    separation: int | None
    social: int | None
    gad: int | None
    panic: int | None
    ocd: int | None
    depression: int | None
    total_anxiety: int | None
    total: int | None

    def as_dict(self) -> dict[str, int | None]:
        """The scores keyed by their column names, in column order; None for a missing score."""
        return dict(vars(self))


@dataclass(frozen=True)
class HonoscaScores:
    """HoNOSCA section A total (scales 1-13, 0-52) and total of all 15 scales (0-60); None where missing."""

    section_a_total: int | None
    total: int | None

    def as_dict(self) -> dict[str, int | None]:
        """The scores keyed by their column names, in column order; None for a missing score."""
        return dict(vars(self))


def score_sdq(answers: Mapping[int, int | None]) -> SdqScores:
    """Score the five SDQ scales, total difficulties, externalising and internalising from raw response codes
    0-2 keyed by item 1-25."""
    checked = _checked_codes("SDQ", answers, SDQ_ITEMS, SDQ_MAX_CODE)
    # SPEC §6: a scale needs 3 of its 5 items; with 3 or 4 answered it is pro-rated.
    scales = {
        scale.name: _scale_score(scale, checked, SDQ_MAX_CODE, len(scale.items) - SDQ_MIN_ANSWERED_PER_SCALE)
        for scale in SDQ_SCALES
    }
    # SPEC §6: the broader scores are sums of the pro-rated scales, missing when any part is missing.
    return SdqScores(
        **scales,
        total_difficulties=_sum_or_none(scales[name] for name in SDQ_PROBLEM_SCALES),
        externalising=_sum_or_none(scales[name] for name in SDQ_EXTERNALISING_SCALES),
        internalising=_sum_or_none(scales[name] for name in SDQ_INTERNALISING_SCALES),
    )


def score_sdq_impact(informant: str, answers: Mapping[str, int | None]) -> int | None:
    """The SDQ impact score from the supplement's codes: the overall-difficulties answer (0 No .. 3 severe,
    under SDQ_OVERALL) and the informant's impact areas (0 Not at all .. 3 A great deal).

    SPEC §6 (the published scoring syntax): the areas score 0, 0, 1, 2 and a blank one counts 0 once any is
    answered; impact is 0 when the overall answer is No, and missing when no area is answered otherwise."""
    if informant not in SDQ_IMPACT_ITEMS:
        expected = ", ".join(SDQ_IMPACT_ITEMS)
        raise ValueError(f"unknown SDQ informant {informant!r}: expected one of {expected}")
    areas = SDQ_IMPACT_ITEMS[informant]
    keys = (SDQ_OVERALL, *areas)  # the overall answer and the areas are both codes 0-3
    checked = _checked_codes(f"SDQ {informant} impact", answers, keys, len(SDQ_IMPACT_RESPONSE_SCORES) - 1)
    if checked.get(SDQ_OVERALL) == SDQ_OVERALL_NO:
        return 0
    codes = [code for area in areas if (code := checked.get(area)) is not None]
    if not codes:
        return None
    return sum(SDQ_IMPACT_RESPONSE_SCORES[int(code)] for code in codes)


def score_rcads(answers: Mapping[int, int | None], params: MissingDataRules) -> RcadsScores:
    """Score the six RCADS subscales and the two totals from response codes 0-3 keyed by item 1-47."""
    checked = _checked_codes("RCADS", answers, RCADS_ITEMS, RCADS_MAX_CODE)
    max_missing = params.rcads_max_missing_per_subscale
    subscales = {
        scale.name: _scale_score(scale, checked, RCADS_MAX_CODE, max_missing) for scale in RCADS_SUBSCALES
    }
    return RcadsScores(
        **subscales,
        total_anxiety=_sum_or_none(subscales[name] for name in RCADS_ANXIETY_SUBSCALES),
        total=_sum_or_none(subscales.values()),
    )


def score_honosca(ratings: Mapping[int, int | None], params: MissingDataRules) -> HonoscaScores:
    """Total the known HoNOSCA scales: section A (scales 1-13) and all 15 (ratings 0-4; None is not known)."""
    checked = _checked_codes("HoNOSCA", ratings, HONOSCA_SCALES, HONOSCA_MAX_RATING)
    section_a = _honosca_total(checked, HONOSCA_SECTION_A, params.honosca_max_not_known)
    total = _honosca_total(checked, HONOSCA_SCALES, params.honosca_max_not_known)
    # The total of 15 is never a figure of section B alone: it is missing whenever section A's is.
    return HonoscaScores(section_a_total=section_a, total=None if section_a is None else total)


def _honosca_total(
    ratings: Mapping[int, int | None], scales: Sequence[int], max_not_known: int
) -> int | None:
    known = [rating for scale in scales if (rating := ratings.get(scale)) is not None]
    # SPEC §6 (PROPOSED): missing when more than `max_not_known` of the scales summed are not known (the
    # same editable number for 13 and for 15 scales); a form with none known is never 0.
    if not known or len(scales) - len(known) > max_not_known:
        return None
    return sum(int(rating) for rating in known)


def validate_cgas(score: int) -> int:
    """Return a CGAS score after checking it is a whole number from 1 to 100."""
    return CGAS_SCORE.check(score)


def validate_goal_rating(rating: int) -> int:
    """Return a goal-based outcome rating after checking it is a whole number from 0 to 10."""
    return GOAL_RATING.check(rating)


def validate_goal_ratings(ratings: Sequence[int]) -> tuple[int, ...]:
    """Return the ratings of up to three goals after checking each one."""
    if len(ratings) > GOAL_NUMBER.high:
        raise ValueError(f"{GOAL_NUMBER.message}, not {len(ratings)} goals")
    return tuple(validate_goal_rating(rating) for rating in ratings)


def _checked_codes(
    measure: str,
    answers: Mapping[Item, int | None],
    items: Sequence[Item],
    max_code: int,
) -> Mapping[Item, int | None]:
    for item, code in answers.items():
        if item not in items:
            raise ValueError(f"{measure} has no item {item!r}")
        if code is not None and (not _is_integer(code) or not 0 <= code <= max_code):
            raise ValueError(f"{measure} item {item}: {code!r} is not a response code 0-{max_code}")
    return answers


def _scale_score(
    scale: Scale, answers: Mapping[int, int | None], max_code: int, max_missing: int
) -> int | None:
    scored = [
        max_code - int(code) if item in scale.reversed_items else int(code)
        for item in scale.items
        if (code := answers.get(item)) is not None
    ]
    if not scored or len(scale.items) - len(scored) > max_missing:
        return None
    return _prorated(sum(scored), len(scored), len(scale.items))


def _prorated(total: int, answered: int, item_count: int) -> int:
    # SPEC §6: mean of the answered items x item count, rounded half up: floor(x + 1/2) in whole numbers.
    return (2 * total * item_count + answered) // (2 * answered)


def _sum_or_none(scores: Iterable[int | None]) -> int | None:
    total = 0
    for score in scores:
        if score is None:
            return None
        total += score
    return total


# Scorers of whole responses, one per measure; the measure registry names which one a measure uses.


def score_sdq_answers(answers: Answers, informant: str, params: MissingDataRules) -> Scores:
    """The five SDQ scales, total difficulties, externalising, internalising and impact."""
    return score_sdq(answers.items).as_dict() | {"impact": score_sdq_impact(informant, answers.impact)}


def score_rcads_answers(answers: Answers, informant: str, params: MissingDataRules) -> Scores:
    """The six RCADS subscales, total anxiety and total."""
    _no_impact("RCADS", answers)
    return score_rcads(answers.items, params).as_dict()


def score_honosca_answers(answers: Answers, informant: str, params: MissingDataRules) -> Scores:
    """The HoNOSCA section A total (scales 1-13) and total of all 15 scales."""
    _no_impact("HoNOSCA", answers)
    return score_honosca(answers.items, params).as_dict()


def score_cgas_answers(answers: Answers, informant: str, params: MissingDataRules) -> Scores:
    """The CGAS score, the one rating of the response."""
    _no_impact("CGAS", answers)
    if set(answers.items) != {1} or answers.items[1] is None:
        raise ValueError("a CGAS response needs its score")
    return {"cgas": validate_cgas(answers.items[1])}


def score_goals_answers(answers: Answers, informant: str, params: MissingDataRules) -> Scores:
    """The rating of each rated goal, keyed goal_1 .. goal_3."""
    _no_impact("goals", answers)
    for number in answers.items:
        if not GOAL_NUMBER.contains(number):
            raise ValueError(f"{GOAL_NUMBER.message}, not goal {number!r}")
    return {
        f"goal_{number}": validate_goal_rating(rating)
        for number, rating in answers.items.items()
        if rating is not None
    }


def _no_impact(measure: str, answers: Answers) -> None:
    if answers.impact:
        raise ValueError(f"{measure} has no impact items, not {', '.join(answers.impact)}")
