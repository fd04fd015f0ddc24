import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.scoring import (
    SPEC_MISSING_DATA_RULES,
    HonoscaScores,
    MissingDataRules,
    score_honosca,
    validate_cgas,
    validate_goal_rating,
    validate_goal_ratings,
)

NOT_KNOWN = None  # the scorer's not known: the paper form's 9 is read as None at the edges


def every_scale(rating: int | None) -> dict[int, int | None]:
    return {scale: rating for scale in range(1, 14)}


def total(ratings, params=SPEC_MISSING_DATA_RULES):
    return score_honosca(ratings, params).total


def test_severe_on_every_scale_totals_52():
    assert total(every_scale(4)) == 52


def test_no_problem_on_every_scale_totals_0():
    assert total(every_scale(0)) == 0


def test_a_hand_scored_form_sums_the_thirteen_scales():
    ratings = {1: 2, 2: 0, 3: 1, 4: 3, 5: 0, 6: 0, 7: 4, 8: 1, 9: 2, 10: 0, 11: 1, 12: 0, 13: 3}

    assert total(ratings) == 17


def test_three_not_known_scales_are_left_out_of_the_total():
    ratings = every_scale(2) | {1: NOT_KNOWN, 5: None, 13: NOT_KNOWN}

    assert total(ratings) == 20


def test_four_not_known_scales_leave_the_total_missing():
    ratings = every_scale(2) | {1: NOT_KNOWN, 5: None, 9: NOT_KNOWN, 13: NOT_KNOWN}

    assert total(ratings) is None


def test_scales_left_out_of_the_ratings_count_as_not_known():
    assert total({scale: 1 for scale in range(1, 11)}) == 10
    assert total({scale: 1 for scale in range(1, 10)}) is None


def test_a_rule_allowing_no_unknown_scales_leaves_a_form_with_one_missing():
    assert total(every_scale(1) | {3: NOT_KNOWN}, MissingDataRules(1, 0)) is None


def test_a_form_with_every_scale_not_known_is_missing_whatever_the_rule():
    assert total(every_scale(NOT_KNOWN), MissingDataRules(1, 13)) is None


def test_the_score_is_keyed_by_its_column_name():
    assert score_honosca(every_scale(0), SPEC_MISSING_DATA_RULES).as_dict() == {"total": 0}


@pytest.mark.parametrize("rating", [5, 6, 7, 8, 9, 10, -1, 2.5])
def test_a_rating_other_than_0_to_4_is_refused_naming_the_scale(rating):
    with pytest.raises(ValueError, match="HoNOSCA item 6: "):
        total(every_scale(0) | {6: rating})


def test_a_scale_number_outside_1_to_13_is_refused():
    with pytest.raises(ValueError, match="HoNOSCA has no item 14"):
        total({14: 0})


ratings_with_gaps = st.fixed_dictionaries(
    {scale: st.none() | st.integers(min_value=0, max_value=4) for scale in range(1, 14)}
)


@given(ratings_with_gaps)
def test_the_total_lies_between_0_and_52(ratings):
    result = total(ratings)

    assert result is None or 0 <= result <= 52


@given(ratings_with_gaps)
def test_the_total_is_missing_exactly_when_more_than_three_scales_are_not_known(ratings):
    not_known = sum(rating in (None, NOT_KNOWN) for rating in ratings.values())
    known_sum = sum(rating for rating in ratings.values() if rating not in (None, NOT_KNOWN))

    assert score_honosca(ratings, SPEC_MISSING_DATA_RULES) == HonoscaScores(
        total=None if not_known > 3 else known_sum
    )


@pytest.mark.parametrize("score", [1, 50, 100])
def test_a_cgas_score_from_1_to_100_is_accepted(score):
    assert validate_cgas(score) == score


@pytest.mark.parametrize("score", [0, 101, -5, 50.5, True, "70"])
def test_a_cgas_score_outside_1_to_100_is_refused(score):
    with pytest.raises(ValueError, match="CGAS score must be a whole number from 1 to 100"):
        validate_cgas(score)


@pytest.mark.parametrize("rating", [0, 5, 10])
def test_a_goal_rating_from_0_to_10_is_accepted(rating):
    assert validate_goal_rating(rating) == rating


@pytest.mark.parametrize("rating", [-1, 11, 7.5, None])
def test_a_goal_rating_outside_0_to_10_is_refused(rating):
    with pytest.raises(ValueError, match="goal rating must be a whole number from 0 to 10"):
        validate_goal_rating(rating)


def test_up_to_three_goals_can_be_rated():
    assert validate_goal_ratings([2, 5, 9]) == (2, 5, 9)
    assert validate_goal_ratings([]) == ()


def test_a_fourth_goal_is_refused():
    with pytest.raises(ValueError, match="at most 3 goals"):
        validate_goal_ratings([1, 2, 3, 4])


def test_one_bad_goal_rating_among_three_is_refused():
    with pytest.raises(ValueError, match="not 12"):
        validate_goal_ratings([1, 12, 3])
