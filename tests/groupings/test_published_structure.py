"""The constructs of the published algorithm (SPEC section 3, "What the published algorithm does differently")
as data of a rules version, shown on the demo v2 definition and on small edits of v1."""

import copy

import pytest

from assessments.current_view_items import ALL_ITEMS
from groupings.rules import (
    DEMO_V2_DEFINITION,
    INSUFFICIENT,
    V1_DEFINITION,
    explain,
    ruleset_from_definition,
    suggest,
)

NONE, MILD, MODERATE, SEVERE = 0, 1, 2, 3
YES = 1
V1 = ruleset_from_definition("CAMHS-NBG v1", V1_DEFINITION)
V2 = ruleset_from_definition("demo v2", DEMO_V2_DEFINITION)


def form(**ratings: int | None) -> dict[str, int | None]:
    return {item: 0 for item in ALL_ITEMS} | ratings


def v1_with(change) -> dict:
    definition = copy.deepcopy(V1_DEFINITION)
    change(definition)
    return definition


# Age bands


@pytest.mark.parametrize(("age", "grouping"), [(7, "GH11"), (8, "GMH01"), (15, "GMH01"), (None, "GH11")])
def test_demo_v2_suggests_eating_disorders_from_age_8_and_not_when_the_age_is_unknown(age, grouping):
    assert suggest(form(p20=SEVERE), V2, age).grouping == grouping


def test_v1_ignores_the_age():
    assert {suggest(form(p20=SEVERE), V1, age).grouping for age in (None, 3, 17)} == {"GMH01"}


@pytest.mark.parametrize(("age", "fires"), [(None, False), (4, False), (5, True), (11, True), (12, False)])
def test_an_age_band_is_inclusive_at_both_ends(age, fires):
    banded = ruleset_from_definition(
        "banded", v1_with(lambda d: d["rules"]["R09"].update(age={"min": 5, "max": 11}))
    )
    assert (suggest(form(p14=MODERATE, p15=MODERATE), banded, age).rule == "R09") is fires


def test_the_explanation_names_the_age_band_and_the_childs_age():
    outcome = suggest(form(p20=SEVERE), V2, 12)
    assert explain(outcome, V2) == (
        "R03: 'Eating issues' (p20) is rated Moderate or Severe, and the child is 8 or older (here 12)."
    )


# Item versus item


def test_demo_v2_suggests_ocd_when_self_harm_is_rated_lower_than_compulsions():
    ratings = form(p04=SEVERE, p10=MODERATE)
    assert (suggest(ratings, V1).grouping, suggest(ratings, V2).grouping) == ("GH09", "GH05")
    assert suggest(ratings, V2).rule == "R04A"


@pytest.mark.parametrize("self_harm", [MODERATE, SEVERE])
def test_self_harm_rated_as_high_as_compulsions_is_not_ocd(self_harm):
    assert suggest(form(p04=MODERATE, p10=self_harm), V2).grouping == "GH09"


def test_not_known_never_satisfies_a_comparison():
    outcome = suggest(form(p04=SEVERE, p10=None), V2)
    assert outcome.rule == "R05" and outcome.grouping == "GH05"  # only the OCD area raised: the v1 way
    compared = ruleset_from_definition(
        "compared", v1_with(lambda d: d["rules"]["R11"].update(comparisons=[{"lower": "p16", "than": "p24"}]))
    )
    assert suggest(form(p24=MODERATE, p16=NONE), compared).rule == "R11"
    assert suggest(form(p24=MODERATE, p16=None), compared).rule == "R12"
    assert suggest(form(p24=None, p16=NONE, p21=MODERATE), compared).rule == "R12"


def test_the_explanation_names_the_comparison():
    assert explain(suggest(form(p04=SEVERE, p10=MILD), V2), V2) == (
        "R04A: 'Compelled to do or think things' (p04) is rated Moderate or Severe, and 'Self-harm' (p10) "
        "is rated lower than 'Compelled to do or think things' (p04)."
    )


# Add-on grouping


def test_demo_v2_suggests_a_neurodevelopmental_assessment_together_with_the_primary_grouping():
    ratings = form(p09=MODERATE, p28=MODERATE)
    assert (suggest(ratings, V1).grouping, suggest(ratings, V1).add_on_grouping) == ("GH03", None)
    outcome = suggest(ratings, V2)
    assert (outcome.grouping, outcome.rule, outcome.add_on_grouping, outcome.add_on_rule) == (
        "GH03",
        "R05",
        "GA02",
        "A01",
    )
    assert explain(outcome, V2).endswith(
        "Add-on GA02 (A01): 'Unexplained developmental difficulties' (p28) is rated Moderate or Severe and "
        "'Pervasive developmental disorders' (c35) is not answered Yes."
    )


def test_an_add_on_equal_to_the_primary_grouping_is_not_repeated():
    outcome = suggest(form(p28=MODERATE), V2)
    assert (outcome.grouping, outcome.add_on_grouping) == ("GA02", None)


def test_the_add_on_keeps_its_own_conditions():
    assert suggest(form(p09=MODERATE, p28=MODERATE, c35=YES), V2).add_on_grouping is None


def test_no_add_on_without_a_primary_suggestion():
    ratings = {"p28": SEVERE}  # every other item left out: Not known
    outcome = suggest(ratings, V2)
    assert (outcome.rule, outcome.grouping, outcome.add_on_grouping) == (INSUFFICIENT, None, None)


def test_v1_never_suggests_an_add_on():
    assert V1.add_on_params() == {}
    assert suggest(form(p15=SEVERE, p28=SEVERE), V1).add_on_grouping is None


# The versions as data


def test_v1s_stored_definition_is_unchanged_and_leaves_the_new_parts_out():
    assert V1.to_definition() == V1_DEFINITION
    assert "add_on_rules" not in V1_DEFINITION and "R04A" not in V1_DEFINITION["rules"]
    assert "R04A" not in V1.rule_params()


def test_an_optional_rule_given_as_null_is_left_out():
    assert ruleset_from_definition("null", v1_with(lambda d: d["rules"].update(R04A=None))) == V1.model_copy(
        update={"version": "null"}
    )


def test_the_demo_v2_definition_round_trips_and_names_its_groupings():
    assert ruleset_from_definition(V2.version, V2.to_definition()) == V2
    assert V2.to_definition() == DEMO_V2_DEFINITION
    assert V2.grouping_codes() == V1.grouping_codes()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["rules"]["R03"].update(age={}), "rules.R03.age: .*min, max or both"),
        (lambda d: d["rules"]["R03"].update(age={"min": 12, "max": 8}), r"min \(12\) is above max \(8\)"),
        (lambda d: d["rules"]["R03"].update(age={"min": -1}), "rules.R03.age.min"),
        (lambda d: d["rules"]["R03"].update(age={"from": 8}), "rules.R03.age: unknown key.*from"),
        (
            lambda d: d["rules"]["R03"].update(comparisons=[{"lower": "p10", "than": "p10"}]),
            "compares p10 with itself",
        ),
        (
            lambda d: d["rules"]["R03"].update(comparisons=[{"lower": "c35", "than": "p10"}]),
            r"rules.R03.comparisons\[0\].lower: c35 is not a problem item",
        ),
        (lambda d: d.update(add_on_rules={"A02": {"grouping": "GA02"}}), "add_on_rules: unknown key.*A02"),
        (lambda d: d.update(add_on_rules={"A01": {"item": "p28"}}), "add_on_rules.A01: missing key"),
    ],
)
def test_a_faulty_condition_or_add_on_is_rejected_naming_the_key(change, message):
    with pytest.raises(ValueError, match=message):
        ruleset_from_definition("faulty", v1_with(change))


# Groupings never suggested


def test_rules_that_suggest_a_grouping_marked_never_suggested_are_refused():
    catalogue = {code: True for code in V2.grouping_codes()} | {"GMH99": False}
    assert V2.catalogue_faults(catalogue) == []
    catalogue["GA02"] = False
    assert V2.catalogue_faults(catalogue) == ["the rules suggest groupings marked never suggested: GA02"]


def test_rules_that_name_a_grouping_missing_from_the_catalogue_are_refused():
    catalogue = {code: True for code in V2.grouping_codes() if code != "GH05"}
    assert V2.catalogue_faults(catalogue) == ["the rules name groupings missing from the catalogue: GH05"]


SPEC_EXAMPLES = [
    ({}, "GA01"),
    ({"p09": MILD}, "GA01"),
    ({"p09": MODERATE}, "GH03"),
    ({"p02": SEVERE}, "GH08"),
    ({"p03": MODERATE, "p05": MODERATE}, "GH04"),
    ({"p09": MODERATE, "p02": MODERATE}, "GH09"),
    ({"p09": MODERATE, "p10": MODERATE}, "GH07"),
    ({"p14": MODERATE, "p15": MODERATE}, "GH01"),
    ({"p15": MODERATE, "p09": MODERATE}, "GH10"),
    ({"p12": MODERATE, "p09": SEVERE}, "GMH02"),
    ({"p20": SEVERE, "p09": MODERATE}, "GMH01"),
    ({"p28": MODERATE}, "GA02"),
    ({"p28": MODERATE, "c35": YES}, "GH11"),
]


@pytest.mark.parametrize(("ratings", "grouping"), SPEC_EXAMPLES)
def test_demo_v2_keeps_every_spec_example_for_a_twelve_year_old(ratings, grouping):
    # The published algorithm's worked examples could not be read (SPEC section 3): v2 keeps v1's.
    outcome = suggest(form(**ratings), V2, 12)
    assert (outcome.grouping, outcome.add_on_grouping) == (grouping, None)
