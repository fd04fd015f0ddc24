"""SDQ, RCADS and HoNOSCA scoring over arrays of many responses at once; the same results as scoring.py.

Codes are an items x responses integer array, item 1 in row 0, with NOT_ANSWERED (-1) for an unanswered
item; a score is MISSING (-1) where scoring.py gives None.
"""

import numpy as np

from assessments.instruments import (
    HONOSCA_MAX_RATING,
    HONOSCA_SCALES,
    HONOSCA_SECTION_A,
    RCADS_ANXIETY_SUBSCALES,
    RCADS_ITEMS,
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
    SDQ_SCALES,
    SDQ_SUPPLEMENT_KEYS,
    Scale,
)
from assessments.scoring import RCADS_MAX_CODE, SDQ_MAX_CODE, MissingDataRules

NOT_ANSWERED = -1
MISSING = -1

Scores = dict[str, np.ndarray]


def sdq_score_arrays(codes: np.ndarray, params: MissingDataRules) -> Scores:
    """The five SDQ scales, total difficulties, externalising and internalising of every response (codes 0-2,
    25 x responses)."""
    _check(codes, len(SDQ_ITEMS))
    scales = {
        scale.name: _scale_scores(scale, codes, SDQ_MAX_CODE, len(scale.items) - SDQ_MIN_ANSWERED_PER_SCALE)
        for scale in SDQ_SCALES
    }
    return scales | {
        "total_difficulties": _sum_or_missing([scales[name] for name in SDQ_PROBLEM_SCALES]),
        "externalising": _sum_or_missing([scales[name] for name in SDQ_EXTERNALISING_SCALES]),
        "internalising": _sum_or_missing([scales[name] for name in SDQ_INTERNALISING_SCALES]),
    }


def sdq_impact_arrays(informants: np.ndarray, supplement: np.ndarray) -> np.ndarray:
    """The SDQ impact score of every response, as `scoring.score_sdq_impact` gives it.

    `informants` holds each response's informant as its position in SDQ_IMPACT_ITEMS; `supplement` is a
    len(SDQ_SUPPLEMENT_KEYS) x responses array of codes 0-3 (NOT_ANSWERED when blank). An area that is not
    on the informant's version must be NOT_ANSWERED: the caller refuses such rows."""
    _check(supplement, len(SDQ_SUPPLEMENT_KEYS))
    row = {key: n for n, key in enumerate(SDQ_SUPPLEMENT_KEYS)}
    points = np.array([*SDQ_IMPACT_RESPONSE_SCORES, 0])  # index -1 (NOT_ANSWERED) scores 0
    on_version = np.zeros((len(SDQ_SUPPLEMENT_KEYS), informants.shape[0]), dtype=bool)
    for position, areas in enumerate(SDQ_IMPACT_ITEMS.values()):
        for area in areas:
            on_version[row[area]] |= informants == position
    answered = (supplement != NOT_ANSWERED) & on_version
    total = np.where(answered, points[supplement], 0).sum(axis=0)
    # SPEC §6: impact is 0 when the overall answer is No; missing when no area is answered otherwise.
    overall_no = supplement[row[SDQ_OVERALL]] == SDQ_OVERALL_NO
    impact = np.where(answered.any(axis=0), total, MISSING)
    return np.where(overall_no, 0, impact)


def rcads_score_arrays(codes: np.ndarray, params: MissingDataRules) -> Scores:
    """The six RCADS subscales, total anxiety and total of every response (codes 0-3, 47 x responses)."""
    _check(codes, len(RCADS_ITEMS))
    max_missing = params.rcads_max_missing_per_subscale
    subscales = {
        scale.name: _scale_scores(scale, codes, RCADS_MAX_CODE, max_missing) for scale in RCADS_SUBSCALES
    }
    return subscales | {
        "total_anxiety": _sum_or_missing([subscales[name] for name in RCADS_ANXIETY_SUBSCALES]),
        "total": _sum_or_missing(list(subscales.values())),
    }


def honosca_score_arrays(ratings: np.ndarray, params: MissingDataRules) -> Scores:
    """The HoNOSCA section A total and total of all 15 scales of every response (ratings 0-4, NOT_ANSWERED
    when not known; 15 x responses)."""
    _check(ratings, len(HONOSCA_SCALES))
    section_a = _honosca_totals(ratings[: len(HONOSCA_SECTION_A)], params.honosca_max_not_known)
    total = _honosca_totals(ratings, params.honosca_max_not_known)
    return {"section_a_total": section_a, "total": np.where(section_a == MISSING, MISSING, total)}


def _honosca_totals(ratings: np.ndarray, max_not_known: int) -> np.ndarray:
    known = (ratings >= 0) & (ratings <= HONOSCA_MAX_RATING)
    count = known.sum(axis=0)
    total = np.where(known, ratings, 0).sum(axis=0, dtype=np.int64)
    # SPEC §6 (PROPOSED): missing when too many scales are not known; a form with none known is never 0.
    missing = (count == 0) | (ratings.shape[0] - count > max_not_known)
    return np.where(missing, MISSING, total)


def _check(codes: np.ndarray, items: int) -> None:
    if codes.ndim != 2 or codes.shape[0] != items:
        raise ValueError(f"expected a {items} x responses array, got shape {codes.shape}")


def _scale_scores(scale: Scale, codes: np.ndarray, max_code: int, max_missing: int) -> np.ndarray:
    rows = codes[[item - 1 for item in scale.items]].astype(np.int64)
    reversed_rows = np.array([item in scale.reversed_items for item in scale.items])[:, None]
    answered = rows != NOT_ANSWERED
    scored = np.where(answered, np.where(reversed_rows, max_code - rows, rows), 0)
    count = answered.sum(axis=0)
    total = scored.sum(axis=0)
    missing = (count == 0) | (len(scale.items) - count > max_missing)
    # SPEC §6: mean of the answered items x item count, rounded half up: floor(x + 1/2) in whole numbers.
    prorated = (2 * total * len(scale.items) + count) // (2 * np.maximum(count, 1))
    return np.where(missing, MISSING, prorated)


def _sum_or_missing(scores: list[np.ndarray]) -> np.ndarray:
    stacked = np.stack(scores)
    return np.where((stacked == MISSING).any(axis=0), MISSING, stacked.sum(axis=0))
