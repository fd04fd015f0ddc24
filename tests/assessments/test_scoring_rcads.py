import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.instruments import RCADS_SUBSCALES
from assessments.scoring import SPEC_MISSING_DATA_RULES, MissingDataRules, RcadsScores, score_rcads

NEVER, SOMETIMES, OFTEN, ALWAYS = 0, 1, 2, 3
SUBSCALE_ITEMS = {
    "separation": (5, 9, 17, 18, 33, 45, 46),
    "social": (4, 7, 8, 12, 20, 30, 32, 38, 43),
    "gad": (1, 13, 22, 27, 35, 37),
    "panic": (3, 14, 24, 26, 28, 34, 36, 39, 41),
    "ocd": (10, 16, 23, 31, 42, 44),
    "depression": (2, 6, 11, 15, 19, 21, 25, 29, 40, 47),
}
ANXIETY = ("separation", "social", "gad", "panic", "ocd")

codes = st.integers(min_value=0, max_value=3)
complete_forms = st.fixed_dictionaries({item: codes for item in range(1, 48)})
forms_with_gaps = st.fixed_dictionaries({item: st.none() | codes for item in range(1, 48)})


def every_item(code: int) -> dict[int, int | None]:
    return {item: code for item in range(1, 48)}


def score(answers, params=SPEC_MISSING_DATA_RULES):
    return score_rcads(answers, params)


def test_the_six_subscales_cover_each_of_the_47_items_once():
    items = [item for scale in RCADS_SUBSCALES for item in scale.items]
    assert sorted(items) == list(range(1, 48))
    assert {scale.name: scale.items for scale in RCADS_SUBSCALES} == SUBSCALE_ITEMS
    assert not any(scale.reversed_items for scale in RCADS_SUBSCALES)


def test_always_on_every_item_gives_the_maximum_scores():
    assert score(every_item(ALWAYS)) == RcadsScores(
        separation=21, social=27, gad=18, panic=27, ocd=18, depression=30, total_anxiety=111, total=141
    )


def test_sometimes_on_every_item_scores_each_subscale_its_item_count():
    assert score(every_item(SOMETIMES)) == RcadsScores(
        separation=7, social=9, gad=6, panic=9, ocd=6, depression=10, total_anxiety=37, total=47
    )


def test_a_hand_scored_form_sums_each_subscale_and_the_totals():
    answers = every_item(NEVER) | {5: 3, 9: 2, 4: 1, 7: 1, 1: 2, 13: 2, 22: 1, 3: 1, 10: 3, 2: 2, 6: 2, 47: 1}

    assert score(answers) == RcadsScores(
        separation=5, social=2, gad=5, panic=1, ocd=3, depression=5, total_anxiety=16, total=21
    )


def test_one_unanswered_gad_item_is_pro_rated_from_the_other_five():
    answers = every_item(NEVER) | {1: 2, 13: 2, 22: 1, 27: 1, 35: 1, 37: None}

    assert score(answers).gad == 8  # 7 / 5 x 6 = 8.4


def test_a_pro_rated_half_rounds_up_from_10_5_to_11_where_bankers_rounding_would_give_10():
    answers = every_item(NEVER) | {5: 3, 9: 3, 17: 3, 18: None}

    assert score(answers).separation == 11  # 9 / 6 x 7 = 10.5


def test_a_pro_rated_half_rounds_up_from_4_5_to_5():
    answers = every_item(NEVER) | {4: 2, 7: 2, 43: None}

    assert score(answers).social == 5  # 4 / 8 x 9 = 4.5


def test_the_totals_add_up_the_pro_rated_subscales():
    answers = every_item(SOMETIMES) | {5: None, 4: None, 1: None, 3: None, 10: None, 2: None, 9: ALWAYS}

    scores = score(answers)

    # separation (3 + 1 + 1 + 1 + 1 + 1) / 6 x 7 = 9.33; every other subscale keeps its mean of 1
    assert scores == RcadsScores(
        separation=9, social=9, gad=6, panic=9, ocd=6, depression=10, total_anxiety=39, total=49
    )


def test_a_subscale_with_two_unanswered_items_is_missing_and_so_are_both_totals():
    answers = every_item(SOMETIMES) | {10: None, 16: None}

    scores = score(answers)

    assert scores.ocd is None
    assert scores.total_anxiety is None
    assert scores.total is None
    assert scores.gad == 6


def test_a_missing_depression_subscale_leaves_total_anxiety_but_not_the_total():
    answers = every_item(SOMETIMES) | {2: None, 6: None, 11: None}

    scores = score(answers)

    assert scores.depression is None
    assert scores.total_anxiety == 37
    assert scores.total is None


def test_a_rule_allowing_no_unanswered_items_leaves_a_subscale_with_one_gap_missing():
    answers = every_item(SOMETIMES) | {47: None}

    assert score(answers, MissingDataRules(0, 3)).depression is None


def test_a_rule_allowing_two_unanswered_items_pro_rates_a_subscale_with_two_gaps():
    answers = every_item(SOMETIMES) | {2: None, 47: None}

    assert score(answers, MissingDataRules(2, 3)).depression == 10


def test_a_subscale_with_no_answered_items_is_missing_whatever_the_rule():
    answers = every_item(SOMETIMES) | dict.fromkeys(SUBSCALE_ITEMS["gad"])

    assert score(answers, MissingDataRules(6, 3)).gad is None


def test_the_spec_rules_allow_one_unanswered_rcads_item_and_three_unknown_honosca_scales():
    assert SPEC_MISSING_DATA_RULES == MissingDataRules(
        rcads_max_missing_per_subscale=1, honosca_max_not_known=3
    )


@pytest.mark.parametrize("value", [-1, 1.5, None, True])
def test_missing_data_rules_must_be_whole_numbers_of_zero_or_more(value):
    with pytest.raises(ValueError, match="rcads_max_missing_per_subscale"):
        MissingDataRules(rcads_max_missing_per_subscale=value, honosca_max_not_known=3)


def test_scores_are_keyed_by_their_column_names_in_order():
    assert list(score(every_item(NEVER)).as_dict()) == [*SUBSCALE_ITEMS, "total_anxiety", "total"]


@pytest.mark.parametrize("code", [4, -1, 2.0])
def test_a_code_outside_0_to_3_is_refused_naming_the_item(code):
    with pytest.raises(ValueError, match="RCADS item 12: "):
        score(every_item(NEVER) | {12: code})


def test_an_item_number_outside_1_to_47_is_refused():
    with pytest.raises(ValueError, match="RCADS has no item 48"):
        score({48: 0})


@given(forms_with_gaps)
def test_subscales_score_0_to_3_per_item_and_totals_0_to_111_and_0_to_141(answers):
    scores = score(answers).as_dict()

    for name, items in SUBSCALE_ITEMS.items():
        assert scores[name] is None or 0 <= scores[name] <= 3 * len(items)
    assert scores["total_anxiety"] is None or 0 <= scores["total_anxiety"] <= 111
    assert scores["total"] is None or 0 <= scores["total"] <= 141


@given(forms_with_gaps)
def test_a_subscale_is_missing_exactly_when_more_than_one_item_is_unanswered(answers):
    scores = score(answers).as_dict()

    for name, items in SUBSCALE_ITEMS.items():
        unanswered = sum(answers[item] is None for item in items)
        assert (scores[name] is None) == (unanswered > 1)


@given(forms_with_gaps)
def test_the_totals_are_sums_of_the_subscales_or_missing_with_any_of_them(answers):
    scores = score(answers).as_dict()

    anxiety = [scores[name] for name in ANXIETY]
    every = [*anxiety, scores["depression"]]
    assert scores["total_anxiety"] == (None if None in anxiety else sum(anxiety))
    assert scores["total"] == (None if None in every else sum(every))


@given(complete_forms)
def test_a_complete_form_is_never_pro_rated(answers):
    scores = score(answers).as_dict()

    for name, items in SUBSCALE_ITEMS.items():
        assert scores[name] == sum(answers[item] for item in items)


@given(complete_forms, st.sampled_from(sorted(SUBSCALE_ITEMS)), st.randoms())
def test_a_pro_rated_subscale_lies_within_the_full_scores_the_answered_items_allow(answers, name, random):
    gap = random.choice(SUBSCALE_ITEMS[name])
    answered_total = sum(answers[item] for item in SUBSCALE_ITEMS[name] if item != gap)

    pro_rated = score(answers | {gap: None}).as_dict()[name]

    assert answered_total <= pro_rated <= answered_total + 3
