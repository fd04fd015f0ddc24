from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.instruments import SDQ_SCALES
from assessments.scoring import SdqScores, score_sdq, score_sdq_impact

NOT_TRUE, SOMEWHAT_TRUE, CERTAINLY_TRUE = 0, 1, 2
SCALE_ITEMS = {
    "emotional": (3, 8, 13, 16, 24),
    "conduct": (5, 7, 12, 18, 22),
    "hyperactivity": (2, 10, 15, 21, 25),
    "peer": (6, 11, 14, 19, 23),
    "prosocial": (1, 4, 9, 17, 20),
}
REVERSED_ITEMS = {7, 11, 14, 21, 25}

codes = st.integers(min_value=0, max_value=2)
complete_forms = st.fixed_dictionaries({item: codes for item in range(1, 26)})
forms_with_gaps = st.fixed_dictionaries({item: st.none() | codes for item in range(1, 26)})


def every_item(code: int) -> dict[int, int | None]:
    return {item: code for item in range(1, 26)}


def item_score(item: int, code: int) -> int:
    return 2 - code if item in REVERSED_ITEMS else code


def scored(scores: dict[str, int | None], name: str) -> int:
    """The score of a scale that must have been scored."""
    score = scores[name]
    assert score is not None, f"{name} is missing"
    return score


def test_the_five_scales_cover_each_of_the_25_items_once():
    items = [item for scale in SDQ_SCALES for item in scale.items]
    assert sorted(items) == list(range(1, 26))
    assert {scale.name: scale.items for scale in SDQ_SCALES} == SCALE_ITEMS
    assert set().union(*(scale.reversed_items for scale in SDQ_SCALES)) == REVERSED_ITEMS


def test_a_hand_scored_form_gives_each_scale_and_the_total():
    answers = {
        1: 2, 2: 1, 3: 0, 4: 2, 5: 1, 6: 0, 7: 2, 8: 1, 9: 2, 10: 2, 11: 2, 12: 0, 13: 1,
        14: 1, 15: 2, 16: 2, 17: 1, 18: 0, 19: 1, 20: 2, 21: 0, 22: 0, 23: 0, 24: 1, 25: 1,
    }  # fmt: skip

    scores = score_sdq(answers)

    # emotional 0+1+1+2+1; conduct 1+(2-2)+0+0+0; hyperactivity 1+2+2+(2-0)+(2-1);
    # peer 0+(2-2)+(2-1)+1+0; prosocial 2+2+2+1+2; total 5+1+8+2; externalising 1+8; internalising 5+2
    assert scores == SdqScores(
        emotional=5,
        conduct=1,
        hyperactivity=8,
        peer=2,
        prosocial=9,
        total_difficulties=16,
        externalising=9,
        internalising=7,
    )


def test_all_not_true_scores_two_for_each_reverse_scored_item():
    scores = score_sdq(every_item(NOT_TRUE))

    assert scores == SdqScores(
        emotional=0,
        conduct=2,
        hyperactivity=4,
        peer=4,
        prosocial=0,
        total_difficulties=10,
        externalising=6,
        internalising=4,
    )


def test_all_certainly_true_scores_zero_for_each_reverse_scored_item():
    scores = score_sdq(every_item(CERTAINLY_TRUE))

    assert scores == SdqScores(
        emotional=10,
        conduct=8,
        hyperactivity=6,
        peer=6,
        prosocial=10,
        total_difficulties=30,
        externalising=14,
        internalising=16,
    )


def test_certainly_true_on_the_reverse_scored_obedience_item_adds_nothing_to_conduct():
    answers = {5: NOT_TRUE, 7: CERTAINLY_TRUE, 12: NOT_TRUE, 18: NOT_TRUE, 22: NOT_TRUE}

    assert score_sdq(answers).conduct == 0


def test_not_true_on_the_reverse_scored_obedience_item_adds_two_to_conduct():
    answers = {5: NOT_TRUE, 7: NOT_TRUE, 12: NOT_TRUE, 18: NOT_TRUE, 22: NOT_TRUE}

    assert score_sdq(answers).conduct == 2


def test_four_answered_items_summing_5_are_pro_rated_to_6():
    answers = {3: 2, 8: 1, 13: 1, 16: 1, 24: None}

    assert score_sdq(answers).emotional == 6  # 5 / 4 x 5 = 6.25


def test_three_answered_items_summing_5_are_pro_rated_to_8():
    answers = {3: 2, 8: 2, 13: 1}

    assert score_sdq(answers).emotional == 8  # 5 / 3 x 5 = 8.33


def test_three_answered_items_summing_4_are_pro_rated_up_to_7():
    answers = {3: 2, 8: 1, 13: 1}

    assert score_sdq(answers).emotional == 7  # 4 / 3 x 5 = 6.67


def test_a_pro_rated_half_rounds_up_from_7_5_to_8():
    answers = {3: 2, 8: 2, 13: 1, 16: 1}

    assert score_sdq(answers).emotional == 8  # 6 / 4 x 5 = 7.5


def test_a_pro_rated_half_rounds_up_from_2_5_to_3_where_bankers_rounding_would_give_2():
    answers = {3: 1, 8: 1, 13: 0, 16: 0}

    assert score_sdq(answers).emotional == 3  # 2 / 4 x 5 = 2.5


def test_a_reverse_scored_item_is_reversed_before_pro_rating():
    answers = {5: CERTAINLY_TRUE, 7: CERTAINLY_TRUE, 12: SOMEWHAT_TRUE}

    assert score_sdq(answers).conduct == 5  # (2 + 0 + 1) / 3 x 5


def test_a_scale_with_two_of_five_items_answered_is_missing():
    answers = every_item(SOMEWHAT_TRUE) | {3: None, 8: None, 13: None}

    scores = score_sdq(answers)

    assert scores.emotional is None
    assert scores.conduct == 5


def test_total_difficulties_is_missing_when_a_problem_scale_is_missing():
    answers = every_item(SOMEWHAT_TRUE) | {6: None, 11: None, 14: None}

    scores = score_sdq(answers)

    assert scores.peer is None
    assert scores.total_difficulties is None
    assert scores.internalising is None
    assert scores.externalising == 10


def test_externalising_and_internalising_add_the_pro_rated_scales():
    # conduct: 4 answered summing 3 -> 3.75 -> 4; hyperactivity: 3 answered summing 5 -> 8.33 -> 8
    # emotional: 4 answered summing 6 -> 7.5 -> 8; peer: complete, 2
    answers = {5: 1, 7: 2, 12: 1, 18: 1, 2: 2, 10: 2, 15: 1}
    answers |= {3: 2, 8: 2, 13: 1, 16: 1, 6: 0, 11: 2, 14: 1, 19: 1, 23: 0}

    scores = score_sdq(answers)

    assert (scores.conduct, scores.hyperactivity, scores.emotional, scores.peer) == (4, 8, 8, 2)
    assert (scores.externalising, scores.internalising) == (12, 10)


def test_a_missing_prosocial_scale_leaves_total_difficulties_alone():
    answers = every_item(SOMEWHAT_TRUE) | {1: None, 4: None, 9: None, 17: None}

    scores = score_sdq(answers)

    assert scores.prosocial is None
    assert scores.total_difficulties == 20


def test_items_left_out_of_the_answers_count_as_unanswered():
    assert score_sdq({}) == SdqScores(None, None, None, None, None, None, None, None)


def test_scores_are_keyed_by_their_column_names_in_order():
    scores = score_sdq(every_item(NOT_TRUE)).as_dict()

    assert list(scores) == [
        "emotional",
        "conduct",
        "hyperactivity",
        "peer",
        "prosocial",
        "total_difficulties",
        "externalising",
        "internalising",
    ]


@pytest.mark.parametrize("code", [3, -1, 1.0, True, "1"])
def test_a_code_outside_0_to_2_is_refused_naming_the_item(code):
    with pytest.raises(ValueError, match="SDQ item 7: "):
        score_sdq(every_item(NOT_TRUE) | {7: code})


def test_an_item_number_outside_1_to_25_is_refused():
    with pytest.raises(ValueError, match="SDQ has no item 26"):
        score_sdq({26: 0})


@given(forms_with_gaps)
def test_every_scale_scores_0_to_10_and_total_difficulties_0_to_40(answers):
    scores = score_sdq(answers).as_dict()

    total = scores.pop("total_difficulties")
    broader = [scores.pop("externalising"), scores.pop("internalising")]
    assert all(score is None or 0 <= score <= 10 for score in scores.values())
    assert total is None or 0 <= total <= 40
    assert all(score is None or 0 <= score <= 20 for score in broader)


@given(complete_forms)
def test_a_complete_form_is_never_pro_rated(answers):
    scores = score_sdq(answers).as_dict()

    for name, items in SCALE_ITEMS.items():
        assert scores[name] == sum(item_score(item, answers[item]) for item in items)
    assert scores["total_difficulties"] == sum(
        scored(scores, name) for name in SCALE_ITEMS if name != "prosocial"
    )
    assert scores["externalising"] == scored(scores, "conduct") + scored(scores, "hyperactivity")
    assert scores["internalising"] == scored(scores, "emotional") + scored(scores, "peer")


@given(complete_forms)
def test_flipping_every_answer_maps_each_complete_scale_score_s_to_10_minus_s(answers):
    # Flipping a raw code c to 2 - c turns an item's score v into 2 - v whether or not the item is
    # reverse scored, so this holds for the mixed scales (conduct, hyperactivity, peer) too.
    flipped = {item: 2 - code for item, code in answers.items()}

    scores, flipped_scores = score_sdq(answers).as_dict(), score_sdq(flipped).as_dict()

    for name in SCALE_ITEMS:
        assert flipped_scores[name] == 10 - scored(scores, name)


@given(forms_with_gaps)
def test_flipping_a_pro_rated_scale_gives_10_minus_s_or_11_minus_s_on_an_exact_half(answers):
    flipped = {item: None if code is None else 2 - code for item, code in answers.items()}

    scores, flipped_scores = score_sdq(answers).as_dict(), score_sdq(flipped).as_dict()

    for name, items in SCALE_ITEMS.items():
        answered = [item_score(item, answers[item]) for item in items if answers[item] is not None]
        if len(answered) < 3:
            assert scores[name] is None and flipped_scores[name] is None
            continue
        lands_on_half = Fraction(sum(answered) * 5, len(answered)).denominator == 2
        assert scored(scores, name) + scored(flipped_scores, name) == (11 if lands_on_half else 10)


@given(complete_forms, st.sampled_from(range(1, 26)))
def test_raising_one_answer_raises_a_plain_item_scale_and_lowers_a_reverse_scored_one(answers, item):
    lower = answers | {item: min(answers[item], SOMEWHAT_TRUE)}
    scale = next(name for name, items in SCALE_ITEMS.items() if item in items)

    before = scored(score_sdq(lower).as_dict(), scale)
    after = scored(score_sdq(lower | {item: lower[item] + 1}).as_dict(), scale)

    assert after - before == (-1 if item in REVERSED_ITEMS else 1)


@given(
    st.sampled_from(sorted(SCALE_ITEMS)),
    st.integers(min_value=3, max_value=4),
    st.lists(codes, min_size=5, max_size=5),
    st.randoms(),
)
def test_a_pro_rated_score_lies_within_the_full_scores_the_answered_items_allow(name, count, raw, random):
    items = SCALE_ITEMS[name]
    answered = random.sample(items, count)
    answers = {item: code for item, code in zip(answered, raw, strict=False)}
    answered_total = sum(item_score(item, code) for item, code in answers.items())

    score = scored(score_sdq(answers).as_dict(), name)

    assert answered_total <= score <= answered_total + 2 * (5 - count)


@given(st.sampled_from(sorted(SCALE_ITEMS)), st.integers(min_value=0, max_value=2), st.randoms())
def test_fewer_than_three_answered_items_leave_a_scale_missing(name, count, random):
    answers = {item: SOMEWHAT_TRUE for item in random.sample(SCALE_ITEMS[name], count)}

    assert score_sdq(answers).as_dict()[name] is None


NOT_AT_ALL, ONLY_A_LITTLE, QUITE_A_LOT, A_GREAT_DEAL = 0, 1, 2, 3
NO, MINOR, DEFINITE, SEVERE = 0, 1, 2, 3
PARENT_AREAS = ("distress", "home_life", "friendships", "classroom_learning", "leisure_activities")
TEACHER_AREAS = ("distress", "peer_relationships", "classroom_learning")
impact_codes = st.none() | st.integers(min_value=0, max_value=3)


@pytest.mark.parametrize("informant", ["parent", "self"])
def test_a_great_deal_everywhere_gives_the_parent_and_self_report_maximum_impact_of_10(informant):
    answers = {"overall_difficulties": SEVERE} | dict.fromkeys(PARENT_AREAS, A_GREAT_DEAL)

    assert score_sdq_impact(informant, answers) == 10


def test_a_great_deal_everywhere_gives_the_teacher_maximum_impact_of_6():
    answers = {"overall_difficulties": SEVERE} | dict.fromkeys(TEACHER_AREAS, A_GREAT_DEAL)

    assert score_sdq_impact("teacher", answers) == 6


@given(impact_codes, st.fixed_dictionaries({area: impact_codes for area in TEACHER_AREAS}))
def test_a_teacher_sdq_impact_never_exceeds_6(overall, areas):
    impact = score_sdq_impact("teacher", {"overall_difficulties": overall} | areas)

    assert impact is None or 0 <= impact <= 6


def test_only_a_little_scores_the_same_as_not_at_all():
    answers = {"overall_difficulties": MINOR} | dict.fromkeys(PARENT_AREAS, ONLY_A_LITTLE)

    assert score_sdq_impact("parent", answers) == 0


def test_a_hand_scored_parent_impact_supplement():
    answers = {
        "overall_difficulties": DEFINITE,
        "distress": QUITE_A_LOT,
        "home_life": A_GREAT_DEAL,
        "friendships": ONLY_A_LITTLE,
        "classroom_learning": NOT_AT_ALL,
        "leisure_activities": QUITE_A_LOT,
    }

    assert score_sdq_impact("parent", answers) == 4  # 1 + 2 + 0 + 0 + 1


def test_overall_no_scores_impact_0_even_with_impact_items_ticked():
    # The published scoring syntax sets impact to 0 whenever the overall answer is No.
    answers = {"overall_difficulties": NO} | dict.fromkeys(PARENT_AREAS, A_GREAT_DEAL)

    assert score_sdq_impact("parent", answers) == 0


def test_overall_no_with_no_impact_item_answered_scores_0():
    assert score_sdq_impact("self", {"overall_difficulties": NO}) == 0


def test_an_unanswered_impact_item_counts_0_once_another_is_answered():
    answers = {"overall_difficulties": SEVERE} | dict.fromkeys(TEACHER_AREAS, QUITE_A_LOT)

    assert score_sdq_impact("teacher", answers | {"classroom_learning": None}) == 2
    assert score_sdq_impact("teacher", {"distress": A_GREAT_DEAL}) == 2


@pytest.mark.parametrize("overall", [MINOR, DEFINITE, SEVERE, None])
def test_impact_is_missing_when_no_impact_item_is_answered_and_the_overall_answer_is_not_no(overall):
    answers = {"overall_difficulties": overall} | dict.fromkeys(TEACHER_AREAS, None)

    assert score_sdq_impact("teacher", answers) is None


def test_an_sdq_without_the_overall_answer_is_scored_from_its_impact_items():
    assert score_sdq_impact("parent", dict.fromkeys(PARENT_AREAS, QUITE_A_LOT)) == 5


def test_the_teacher_version_has_no_home_life_item():
    with pytest.raises(ValueError, match="has no item 'home_life'"):
        score_sdq_impact("teacher", {"home_life": NOT_AT_ALL})


def test_an_impact_code_above_a_great_deal_is_refused_naming_the_item():
    with pytest.raises(ValueError, match="item distress: 4"):
        score_sdq_impact("self", dict.fromkeys(PARENT_AREAS, NOT_AT_ALL) | {"distress": 4})


def test_an_overall_answer_above_severe_is_refused():
    with pytest.raises(ValueError, match="item overall_difficulties: 4"):
        score_sdq_impact("parent", {"overall_difficulties": 4})


def test_an_unknown_informant_is_refused():
    with pytest.raises(ValueError, match="unknown SDQ informant 'carer'"):
        score_sdq_impact("carer", {})
