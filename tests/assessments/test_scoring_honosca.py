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


def section_a(rating: int | None) -> dict[int, int | None]:
    return {scale: rating for scale in range(1, 14)}


def every_scale(rating: int | None) -> dict[int, int | None]:
    return {scale: rating for scale in range(1, 16)}


def section_a_total(ratings, params=SPEC_MISSING_DATA_RULES):
    return score_honosca(ratings, params).section_a_total


def total(ratings, params=SPEC_MISSING_DATA_RULES):
    return score_honosca(ratings, params).total


def test_severe_on_every_scale_gives_52_for_section_a_and_60_in_all():
    assert score_honosca(every_scale(4), SPEC_MISSING_DATA_RULES) == HonoscaScores(52, 60)


def test_no_problem_on_every_scale_totals_0():
    assert score_honosca(every_scale(0), SPEC_MISSING_DATA_RULES) == HonoscaScores(0, 0)


def test_a_hand_scored_form_with_both_sections():
    ratings = {1: 2, 2: 0, 3: 1, 4: 3, 5: 0, 6: 0, 7: 4, 8: 1, 9: 2, 10: 0, 11: 1, 12: 0, 13: 3}
    ratings |= {14: 2, 15: 1}

    # section A 2+0+1+3+0+0+4+1+2+0+1+0+3 = 17; with section B's 2 + 1, 20
    assert score_honosca(ratings, SPEC_MISSING_DATA_RULES) == HonoscaScores(section_a_total=17, total=20)


def test_section_b_does_not_change_the_section_a_total():
    ratings = section_a(2)

    assert section_a_total(ratings | {14: 4, 15: 4}) == section_a_total(ratings | {14: 0, 15: 0}) == 26


def test_three_not_known_scales_are_left_out_of_the_totals():
    ratings = every_scale(2) | {1: NOT_KNOWN, 5: None, 13: NOT_KNOWN}

    assert (section_a_total(ratings), total(ratings)) == (20, 24)


def test_four_not_known_section_a_scales_leave_both_totals_missing():
    ratings = every_scale(2) | {1: NOT_KNOWN, 5: None, 9: NOT_KNOWN, 13: NOT_KNOWN}

    assert (section_a_total(ratings), total(ratings)) == (None, None)


def test_two_not_known_in_section_a_and_two_in_section_b_leave_only_the_total_of_15_missing():
    # Section A: 2 of 13 not known (at most 3); all 15: 4 not known (more than 3).
    ratings = every_scale(1) | {2: NOT_KNOWN, 3: NOT_KNOWN, 14: NOT_KNOWN, 15: NOT_KNOWN}

    assert (section_a_total(ratings), total(ratings)) == (11, None)


def test_a_form_without_section_b_keeps_its_section_a_total():
    # A form recorded before section B was asked: scales 14 and 15 count as not known.
    assert score_honosca(section_a(1), SPEC_MISSING_DATA_RULES) == HonoscaScores(13, 13)
    assert score_honosca(section_a(1) | {7: NOT_KNOWN}, SPEC_MISSING_DATA_RULES) == HonoscaScores(12, 12)
    assert score_honosca(section_a(1) | {6: None, 7: None}, SPEC_MISSING_DATA_RULES) == HonoscaScores(
        11, None
    )


def test_scales_left_out_of_the_ratings_count_as_not_known():
    assert section_a_total({scale: 1 for scale in range(1, 11)}) == 10
    assert section_a_total({scale: 1 for scale in range(1, 10)}) is None


def test_a_rule_allowing_no_unknown_scales_leaves_a_form_with_one_missing():
    assert section_a_total(section_a(1) | {3: NOT_KNOWN}, MissingDataRules(1, 0)) is None
    assert total(every_scale(1) | {15: NOT_KNOWN}, MissingDataRules(1, 0)) is None


def test_a_form_with_every_scale_not_known_is_missing_whatever_the_rule():
    assert score_honosca(every_scale(NOT_KNOWN), MissingDataRules(1, 15)) == HonoscaScores(None, None)


def test_section_b_alone_never_makes_a_total():
    ratings = section_a(NOT_KNOWN) | {14: 3, 15: 3}

    assert score_honosca(ratings, MissingDataRules(1, 15)) == HonoscaScores(None, None)


def test_the_scores_are_keyed_by_their_column_names():
    assert score_honosca(every_scale(0), SPEC_MISSING_DATA_RULES).as_dict() == {
        "section_a_total": 0,
        "total": 0,
    }


@pytest.mark.parametrize("rating", [5, 6, 7, 8, 9, 10, -1, 2.5])
def test_a_rating_other_than_0_to_4_is_refused_naming_the_scale(rating):
    with pytest.raises(ValueError, match="HoNOSCA item 6: "):
        total(every_scale(0) | {6: rating})


def test_a_section_b_rating_other_than_0_to_4_is_refused():
    with pytest.raises(ValueError, match="HoNOSCA item 15: 9"):
        total(every_scale(0) | {15: 9})


def test_a_scale_number_outside_1_to_15_is_refused():
    with pytest.raises(ValueError, match="HoNOSCA has no item 16"):
        total({16: 0})


ratings_with_gaps = st.fixed_dictionaries(
    {scale: st.none() | st.integers(min_value=0, max_value=4) for scale in range(1, 16)}
)


@given(ratings_with_gaps)
def test_the_section_a_total_lies_between_0_and_52_and_the_total_between_0_and_60(ratings):
    scores = score_honosca(ratings, SPEC_MISSING_DATA_RULES)

    assert scores.section_a_total is None or 0 <= scores.section_a_total <= 52
    assert scores.total is None or scores.section_a_total is not None and 0 <= scores.total <= 60


@given(ratings_with_gaps)
def test_each_total_is_missing_exactly_when_more_than_three_of_its_scales_are_not_known(ratings):
    def known_sum_or_none(scales: range) -> int | None:
        known = [ratings[scale] for scale in scales if ratings[scale] is not None]
        return None if len(scales) - len(known) > 3 else sum(known)

    section_a_sum = known_sum_or_none(range(1, 14))
    expected_total = None if section_a_sum is None else known_sum_or_none(range(1, 16))

    assert score_honosca(ratings, SPEC_MISSING_DATA_RULES) == HonoscaScores(section_a_sum, expected_total)


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
