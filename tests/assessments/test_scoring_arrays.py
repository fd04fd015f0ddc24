"""The array scorers give what the scalar scorers of assessments/scoring.py give, response by response."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.instruments import SDQ_IMPACT_ITEMS, SDQ_SUPPLEMENT_KEYS
from assessments.scoring import (
    SPEC_MISSING_DATA_RULES,
    MissingDataRules,
    score_honosca,
    score_rcads,
    score_sdq,
    score_sdq_impact,
)
from assessments.scoring_arrays import (
    MISSING,
    NOT_ANSWERED,
    honosca_score_arrays,
    rcads_score_arrays,
    sdq_impact_arrays,
    sdq_score_arrays,
)


def answer_lists(items: int, codes: list[int]):
    return st.lists(
        st.lists(st.sampled_from([*codes, None]), min_size=items, max_size=items), min_size=1, max_size=20
    )


def as_array(responses: list[list[int | None]]) -> np.ndarray:
    return np.array([[NOT_ANSWERED if code is None else code for code in r] for r in responses]).T


def as_scores(scores: dict[str, np.ndarray], row: int) -> dict[str, int | None]:
    return {name: None if values[row] == MISSING else int(values[row]) for name, values in scores.items()}


rules = st.builds(MissingDataRules, st.integers(0, 4), st.integers(0, 15))


@given(answer_lists(25, [0, 1, 2]))
@settings(max_examples=300)
def test_sdq_arrays_score_as_the_scalar_scorer(responses):
    scores = sdq_score_arrays(as_array(responses), SPEC_MISSING_DATA_RULES)
    for row, answers in enumerate(responses):
        assert as_scores(scores, row) == score_sdq(dict(enumerate(answers, start=1))).as_dict()


@given(answer_lists(47, [0, 1, 2, 3]), rules)
@settings(max_examples=300)
def test_rcads_arrays_score_as_the_scalar_scorer(responses, params):
    scores = rcads_score_arrays(as_array(responses), params)
    for row, answers in enumerate(responses):
        assert as_scores(scores, row) == score_rcads(dict(enumerate(answers, start=1)), params).as_dict()


@given(answer_lists(15, [0, 1, 2, 3, 4]), rules)
@settings(max_examples=300)
def test_honosca_arrays_score_as_the_scalar_scorer(responses, params):
    scores = honosca_score_arrays(as_array(responses), params)
    for row, answers in enumerate(responses):
        assert as_scores(scores, row) == score_honosca(dict(enumerate(answers, start=1)), params).as_dict()


@st.composite
def supplements(draw) -> tuple[int, list[int | None]]:
    """An informant's position and a supplement row whose areas off that informant's version are blank."""
    position = draw(st.integers(0, len(SDQ_IMPACT_ITEMS) - 1))
    on_version = {"overall_difficulties", *list(SDQ_IMPACT_ITEMS.values())[position]}
    code = st.sampled_from([0, 1, 2, 3, None])
    return position, [draw(code) if key in on_version else None for key in SDQ_SUPPLEMENT_KEYS]


@given(st.lists(supplements(), min_size=1, max_size=20))
@settings(max_examples=300)
def test_sdq_impact_arrays_score_as_the_scalar_scorer(rows):
    informants = np.array([position for position, _ in rows])
    impact = sdq_impact_arrays(informants, as_array([supplement for _, supplement in rows]))
    for row, (position, supplement) in enumerate(rows):
        informant = list(SDQ_IMPACT_ITEMS)[position]
        answers = {key: code for key, code in zip(SDQ_SUPPLEMENT_KEYS, supplement, strict=True)}
        on_version = {"overall_difficulties", *SDQ_IMPACT_ITEMS[informant]}
        expected = score_sdq_impact(informant, {k: v for k, v in answers.items() if k in on_version})
        assert (None if impact[row] == MISSING else int(impact[row])) == expected


def test_a_row_of_somewhat_true_scores_five_on_every_sdq_scale():
    scores = sdq_score_arrays(np.ones((25, 1), dtype=np.int8), SPEC_MISSING_DATA_RULES)
    assert as_scores(scores, 0) == {
        "emotional": 5,
        "conduct": 5,
        "hyperactivity": 5,
        "peer": 5,
        "prosocial": 5,
        "total_difficulties": 20,
        "externalising": 10,
        "internalising": 10,
    }


def test_no_responses_give_empty_score_arrays():
    assert all(
        len(values) == 0 for values in rcads_score_arrays(np.zeros((47, 0)), SPEC_MISSING_DATA_RULES).values()
    )


def test_the_array_must_have_one_row_per_item():
    with pytest.raises(ValueError, match="expected a 15 x responses array"):
        honosca_score_arrays(np.zeros((13, 3)), SPEC_MISSING_DATA_RULES)
