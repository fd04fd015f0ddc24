import copy
import json

import pytest

from assessments.current_view_items import ALL_ITEMS, COMPLEXITY_ITEMS, PROBLEM_ITEMS
from groupings.rules import INSUFFICIENT, V1_DEFINITION, explain, ruleset_from_definition, suggest

NONE, MILD, MODERATE, SEVERE = 0, 1, 2, 3
NO, YES = 0, 1
NOT_KNOWN = None
RULES = ruleset_from_definition("CAMHS-NBG v1", V1_DEFINITION)


def form(**ratings: int | None) -> dict[str, int | None]:
    """A complete Current View: every item None / No unless given."""
    return {item: 0 for item in ALL_ITEMS} | ratings


def grouping_of(**ratings: int | None) -> str | None:
    return suggest(form(**ratings), RULES).grouping


def with_not_known(count: int, **ratings: int | None) -> dict[str, int | None]:
    unknown = [item for item in PROBLEM_ITEMS if item not in ratings][:count]
    return form(**ratings) | {item: NOT_KNOWN for item in unknown}


# SPEC section 3, worked examples


def test_all_none_suggests_signposting_and_self_management_advice():
    assert grouping_of() == "GA01"


def test_mild_low_mood_alone_suggests_signposting_and_self_management_advice():
    assert grouping_of(p09=MILD) == "GA01"


def test_moderate_low_mood_alone_suggests_getting_help_depression():
    assert grouping_of(p09=MODERATE) == "GH03"


def test_severe_social_anxiety_alone_suggests_getting_help_social_anxiety():
    assert grouping_of(p02=SEVERE) == "GH08"


def test_moderate_general_anxiety_and_panic_suggest_getting_help_gad_and_panic():
    assert grouping_of(p03=MODERATE, p05=MODERATE) == "GH04"


def test_moderate_low_mood_and_social_anxiety_suggest_co_occurring_emotional_problems():
    assert grouping_of(p09=MODERATE, p02=MODERATE) == "GH09"


def test_moderate_low_mood_and_self_harm_suggest_getting_help_self_harm():
    assert grouping_of(p09=MODERATE, p10=MODERATE) == "GH07"


def test_moderate_hyperactivity_and_behavioural_difficulties_suggest_getting_help_adhd():
    assert grouping_of(p14=MODERATE, p15=MODERATE) == "GH01"


def test_moderate_behavioural_difficulties_and_low_mood_suggest_co_occurring_behavioural_and_emotional():
    assert grouping_of(p15=MODERATE, p09=MODERATE) == "GH10"


def test_moderate_psychosis_with_severe_low_mood_suggests_getting_more_help_psychosis():
    assert grouping_of(p12=MODERATE, p09=SEVERE) == "GMH02"


def test_severe_eating_issues_with_moderate_low_mood_suggest_getting_more_help_eating_disorders():
    assert grouping_of(p20=SEVERE, p09=MODERATE) == "GMH01"


def test_moderate_unexplained_developmental_difficulties_suggest_neurodevelopmental_assessment():
    assert grouping_of(p28=MODERATE) == "GA02"


def test_developmental_difficulties_with_known_pervasive_developmental_disorder_suggest_not_covered_elsewhere():
    assert grouping_of(p28=MODERATE, c35=YES) == "GH11"


def test_moderate_extremes_of_mood_suggest_getting_more_help_bipolar_disorder():
    assert suggest(form(p11=MODERATE, p09=SEVERE), RULES).rule == "R02"
    assert grouping_of(p11=MODERATE) == "GMH03"


def test_psychosis_comes_before_bipolar_and_eating_disorders():
    assert suggest(form(p12=MODERATE, p11=SEVERE, p20=SEVERE), RULES).rule == "R01"


def test_three_severe_problems_suggest_difficulties_of_severe_impact():
    suggestion = suggest(form(p09=SEVERE, p21=SEVERE, p23=SEVERE), RULES)
    assert (suggestion.grouping, suggestion.rule) == ("GMH04", "R04")


def test_three_raised_areas_with_one_severe_suggest_difficulties_of_severe_impact():
    assert grouping_of(p09=SEVERE, p02=MODERATE, p14=MODERATE) == "GMH04"


def test_three_raised_areas_without_a_severe_rating_are_not_of_severe_impact():
    assert suggest(form(p09=MODERATE, p02=MODERATE, p14=MODERATE), RULES).rule == "R06"


def test_two_severe_problems_in_one_area_are_not_of_severe_impact():
    assert suggest(form(p15=SEVERE, p17=SEVERE), RULES).rule == "R05"


@pytest.mark.parametrize(
    ("item", "grouping"),
    [
        ("p09", "GH03"),
        ("p10", "GH07"),
        ("p03", "GH04"),
        ("p05", "GH04"),
        ("p06", "GH04"),
        ("p02", "GH08"),
        ("p04", "GH05"),
        ("p19", "GH06"),
        ("p14", "GH01"),
        ("p15", "GH02"),
        ("p17", "GH02"),
    ],
)
def test_one_raised_area_suggests_that_areas_grouping(item, grouping):
    suggestion = suggest(form(**{item: MODERATE}), RULES)
    assert (suggestion.grouping, suggestion.rule) == (grouping, "R05")


def test_three_emotional_areas_suggest_co_occurring_emotional_problems():
    assert grouping_of(p09=MODERATE, p10=MODERATE, p04=MODERATE) == "GH09"


@pytest.mark.parametrize(
    "item", ["p01", "p07", "p08", "p13", "p16", "p18", *[f"p{n}" for n in range(21, 31)]]
)
def test_a_problem_outside_every_area_suggests_difficulties_not_covered_elsewhere(item):
    expected = "GA02" if item == "p28" else "GH11"
    assert grouping_of(**{item: MODERATE}) == expected


def test_context_and_attainment_ratings_alone_suggest_signposting():
    assert grouping_of(x45=SEVERE, x46=SEVERE, x47=SEVERE, x48=SEVERE, e49=SEVERE, e50=SEVERE) == "GA01"


# SPEC section 3, insufficient information


def test_nine_not_known_problems_still_give_a_suggestion():
    suggestion = suggest(with_not_known(9, p09=MODERATE), RULES)
    assert (suggestion.grouping, suggestion.rule, suggestion.not_known_count) == ("GH03", "R05", 9)


def test_ten_not_known_problems_give_no_suggestion():
    suggestion = suggest(with_not_known(10, p09=MODERATE), RULES)
    assert (suggestion.grouping, suggestion.rule) == (None, INSUFFICIENT)


def test_insufficient_information_is_checked_before_every_rule():
    assert suggest(with_not_known(10, p12=SEVERE), RULES).grouping is None


def test_missing_items_count_as_not_known():
    assert suggest({"p09": MODERATE}, RULES).rule == INSUFFICIENT


def test_not_known_outside_the_problem_items_does_not_count_towards_insufficient_information():
    ratings = with_not_known(9) | {item: NOT_KNOWN for item in ALL_ITEMS if item not in PROBLEM_ITEMS}
    assert suggest(ratings, RULES).grouping == "GA01"


def test_a_not_known_problem_counts_as_none():
    assert grouping_of(p12=NOT_KNOWN, p09=MODERATE) == "GH03"


def test_flags_are_still_computed_without_a_suggestion():
    suggestion = suggest(with_not_known(12, e49=MODERATE, c37=YES, c31=YES), RULES)
    assert suggestion.grouping is None
    assert (suggestion.attendance_flag, suggestion.risk_flag, suggestion.complexity_count) == (True, True, 2)


# SPEC section 3, flags


def test_complexity_count_is_the_number_of_factors_answered_yes():
    ratings = form(c31=YES, c33=YES, c40=YES, c41=NOT_KNOWN, c42=NO)
    assert suggest(ratings, RULES).complexity_count == 3


def test_every_complexity_factor_answered_yes_counts_fourteen():
    assert suggest(form(**{item: YES for item in COMPLEXITY_ITEMS}), RULES).complexity_count == 14


@pytest.mark.parametrize(
    ("e49", "flag"), [(MODERATE, True), (SEVERE, True), (MILD, False), (NOT_KNOWN, False)]
)
def test_attendance_difficulties_rated_moderate_or_severe_raise_the_attendance_flag(e49, flag):
    assert suggest(form(e49=e49), RULES).attendance_flag is flag


def test_attainment_difficulties_do_not_raise_the_attendance_flag():
    assert suggest(form(e50=SEVERE), RULES).attendance_flag is False


@pytest.mark.parametrize(
    ("ratings", "flag"),
    [
        ({"p10": SEVERE}, True),
        ({"p16": SEVERE}, True),
        ({"c37": YES}, True),
        ({"p10": MODERATE, "p16": MODERATE}, False),
        ({"c37": NOT_KNOWN, "p10": NOT_KNOWN}, False),
        ({}, False),
    ],
)
def test_severe_self_harm_severe_risk_to_others_or_a_protection_plan_raise_the_risk_flag(ratings, flag):
    assert suggest(form(**ratings), RULES).risk_flag is flag


@pytest.mark.parametrize(
    "ratings",
    [{}, {"p09": MODERATE}, {"p28": MODERATE}, {"p14": SEVERE, "p15": MODERATE}, {"p21": MODERATE}],
)
def test_flags_never_change_the_grouping(ratings):
    flagged = {"e49": SEVERE, "c37": YES} | {item: YES for item in COMPLEXITY_ITEMS if item != "c35"}
    plain, with_flags = suggest(form(**ratings), RULES), suggest(form(**ratings, **flagged), RULES)
    assert with_flags.attendance_flag and with_flags.risk_flag and with_flags.complexity_count == 13
    assert (with_flags.grouping, with_flags.rule) == (plain.grouping, plain.rule)


def test_an_unknown_item_id_is_rejected():
    with pytest.raises(ValueError, match="p31"):
        suggest({"p31": MODERATE}, RULES)


@pytest.mark.parametrize(
    ("item", "value"), [("p09", 4), ("p09", -1), ("c35", 2), ("e49", "Moderate"), ("c31", True)]
)
def test_a_value_that_is_not_a_stored_code_is_rejected(item, value):
    with pytest.raises(ValueError, match=item):
        suggest(form(**{item: value}), RULES)


def test_the_suggestion_names_the_rules_version():
    assert suggest(form(), RULES).rules_version == "CAMHS-NBG v1"


def test_explanation_of_one_raised_area_names_the_area():
    assert explain(suggest(form(p09=MODERATE), RULES), RULES) == (
        "R05: exactly one problem area is rated Moderate or Severe (depression)."
    )


def test_explanation_without_enough_information_says_no_grouping_is_suggested():
    assert explain(suggest({}, RULES), RULES) == (
        "Not enough information: 10 or more of the 30 problem descriptions are Not known, "
        "so no grouping is suggested."
    )


def test_explanation_of_a_single_item_rule_names_the_problem():
    assert explain(suggest(form(p12=MODERATE), RULES), RULES) == (
        "R01: 'Delusional beliefs and hallucinations' (p12) is rated Moderate or Severe."
    )


def test_explanation_of_a_problem_not_covered_elsewhere_names_the_problems():
    text = explain(suggest(form(p21=MODERATE, p23=SEVERE), RULES), RULES)
    assert text.startswith("R11:") and "(p21)" in text and "(p23)" in text


@pytest.mark.parametrize(
    ("ratings", "rule"),
    [
        ({"p12": SEVERE}, "R01"),
        ({"p11": SEVERE}, "R02"),
        ({"p20": SEVERE}, "R03"),
        ({"p09": SEVERE, "p21": SEVERE, "p23": SEVERE}, "R04"),
        ({"p09": MODERATE}, "R05"),
        ({"p09": MODERATE, "p15": MODERATE}, "R06"),
        ({"p09": MODERATE, "p10": MODERATE}, "R07"),
        ({"p09": MODERATE, "p02": MODERATE}, "R08"),
        ({"p14": MODERATE, "p15": MODERATE}, "R09"),
        ({"p28": MODERATE}, "R10"),
        ({"p21": MODERATE}, "R11"),
        ({}, "R12"),
    ],
)
def test_every_rule_has_a_plain_words_explanation_starting_with_its_id(ratings, rule):
    suggestion = suggest(form(**ratings), RULES)
    assert suggestion.rule == rule
    assert explain(suggestion, RULES).startswith(f"{rule}: ")


def test_explaining_a_suggestion_with_another_rules_version_is_refused():
    other = ruleset_from_definition("CAMHS-NBG v2", V1_DEFINITION)
    with pytest.raises(ValueError, match="CAMHS-NBG v1"):
        explain(suggest(form(), RULES), other)


def test_the_v1_definition_round_trips_through_a_ruleset():
    assert RULES.to_definition() == V1_DEFINITION
    assert ruleset_from_definition(RULES.version, RULES.to_definition()) == RULES


def test_the_v1_definition_survives_json():
    assert ruleset_from_definition("CAMHS-NBG v1", json.loads(json.dumps(V1_DEFINITION))) == RULES


def test_the_v1_rules_suggest_only_catalogue_groupings():
    catalogue = {"GA01", "GA02", *[f"GH{n:02d}" for n in range(1, 12)], *[f"GMH{n:02d}" for n in range(1, 5)]}
    assert RULES.grouping_codes() == catalogue


def edited(change) -> dict:
    definition = copy.deepcopy(V1_DEFINITION)
    change(definition)
    return definition


def test_a_stricter_high_threshold_changes_the_suggestion():
    strict = ruleset_from_definition("strict", edited(lambda d: d.update(high_at_least=3)))
    assert suggest(form(p09=MODERATE), strict).grouping == "GA01"
    assert suggest(form(p09=SEVERE), strict).grouping == "GH03"


def test_the_insufficient_information_count_comes_from_the_definition():
    lenient = ruleset_from_definition(
        "lenient", edited(lambda d: d.update(insufficient_not_known_at_least=20))
    )
    assert suggest(with_not_known(19, p09=MODERATE), lenient).grouping == "GH03"


def test_a_domain_grouping_comes_from_the_definition():
    renamed = ruleset_from_definition(
        "renamed", edited(lambda d: d["rules"]["R05"]["grouping_by_domain"].update(DEP="GHX"))
    )
    assert suggest(form(p09=MODERATE), renamed).grouping == "GHX"


def test_the_risk_flag_conditions_come_from_the_definition():
    no_plan = ruleset_from_definition("no plan", edited(lambda d: d["flags"]["risk"].pop()))
    assert suggest(form(c37=YES), no_plan).risk_flag is False


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["rules"]["R01"].update(item="p31"), "rules.R01.item: unknown item id 'p31'"),
        (lambda d: d["domains"]["DEP"].update(items=["p09", "q01"]), r"domains.DEP.items\[1\]: unknown item"),
        (lambda d: d["rules"]["R11"]["items"].append("x45"), "x45 is not a problem item"),
        (lambda d: d["rules"]["R10"].update(unless_yes="p09"), "p09 is not a complexity item"),
        (lambda d: d["flags"]["risk"].append({"item": "c99", "at_least": 1}), r"flags.risk\[3\].item"),
        (lambda d: d["rules"].pop("R11"), "rules: missing key"),
        (lambda d: d.pop("flags"), "definition: missing key.*flags"),
        (lambda d: d["rules"]["R04"].pop("grouping"), "rules.R04: missing key"),
        (lambda d: d["rules"]["R05"]["grouping_by_domain"].pop("SH"), "grouping_by_domain: missing key.*SH"),
        (lambda d: d["rules"].update(R13={"grouping": "GA01"}), "rules: unknown key.*R13"),
        (lambda d: d["rules"]["R07"].update(domains=["SH", "ANX"]), "rules.R07.domains: unknown domain"),
        (lambda d: d["domains"]["ADHD"].update(kind="neuro"), "domains.ADHD.kind"),
        (lambda d: d.update(high_at_least=4), "high_at_least"),
        (lambda d: d.update(insufficient_not_known_at_least="10"), "insufficient_not_known_at_least"),
        (lambda d: d["flags"]["risk"][2].update(at_least=2), r"flags.risk\[2\].at_least"),
        (lambda d: d["rules"]["R12"].update(grouping=""), "rules.R12.grouping"),
    ],
)
def test_a_faulty_definition_is_rejected_naming_the_faulty_key(change, message):
    with pytest.raises(ValueError, match=message):
        ruleset_from_definition("faulty", edited(change))


def test_a_rules_version_needs_a_label():
    with pytest.raises(ValueError, match="version"):
        ruleset_from_definition(" ", V1_DEFINITION)


def test_building_a_ruleset_leaves_the_definition_untouched():
    before = copy.deepcopy(V1_DEFINITION)
    ruleset_from_definition("CAMHS-NBG v1", V1_DEFINITION).to_definition()["rules"]["R11"]["items"].append(
        "p01"
    )
    assert V1_DEFINITION == before
