import copy

import numpy as np
import pytest

from assessments.current_view_items import ALL_ITEMS
from groupings.rule_table import RULE_TABLE, Facts, Rule, RuleOutcome, its_grouping
from groupings.rules import (
    INSUFFICIENT,
    RULE_IDS,
    V1_DEFINITION,
    RuleEngine,
    explain,
    ratings_to_codes,
    ruleset_from_definition,
    suggest,
    suggest_arrays,
)
from groupings.rules_version import ProblemItem, RuleSet, Suggests

NONE, MILD, MODERATE, SEVERE = 0, 1, 2, 3
RULES = ruleset_from_definition("CAMHS-NBG v1", V1_DEFINITION)


def form(**ratings: int | None) -> dict[str, int | None]:
    return {item: 0 for item in ALL_ITEMS} | ratings


# A rule added for the example: any rating of eating issues at all, even Mild, after the severe-impact rule.


class AnyEatingParams(Suggests):
    item: ProblemItem


def _rated_at_all(facts: Facts, params: AnyEatingParams) -> np.ndarray:
    return facts.code(params.item) >= MILD


def _explain_rated_at_all(params: AnyEatingParams, outcome: RuleOutcome, rules: RuleSet) -> str:
    return f"{params.item} is rated at all."


EATING = Rule("R04E", AnyEatingParams, _rated_at_all, its_grouping, _explain_rated_at_all)
EXTENDED = RuleEngine((*RULE_TABLE[:4], EATING, *RULE_TABLE[4:]))


def extended_definition() -> dict:
    definition = copy.deepcopy(V1_DEFINITION)
    definition["rules"]["R04E"] = {"item": "p20", "grouping": "GMH01"}
    return definition


EXTENDED_RULES = EXTENDED.ruleset_from_definition("extended", extended_definition())


def test_the_table_lists_r01_to_r12_in_spec_order_with_the_optional_rules_added_since():
    assert RULE_IDS == tuple(rule.id for rule in RULE_TABLE)
    assert tuple(rule.id for rule in RULE_TABLE if not rule.optional) == tuple(
        f"R{n:02d}" for n in range(1, 13)
    )
    assert tuple(RULES.rule_params()) == tuple(f"R{n:02d}" for n in range(1, 13))


def test_a_rule_added_by_one_table_entry_fires_in_its_place():
    outcome = EXTENDED.suggest(form(p20=MILD, p09=MODERATE), EXTENDED_RULES)
    assert (outcome.grouping, outcome.rule) == ("GMH01", "R04E")
    assert EXTENDED.explain(outcome, EXTENDED_RULES) == "R04E: p20 is rated at all."


def test_rules_before_an_added_rule_still_win():
    outcome = EXTENDED.suggest(form(p20=MILD, p12=MODERATE), EXTENDED_RULES)
    assert outcome.rule == "R01"


def test_an_added_rule_leaves_every_other_suggestion_alone():
    assert EXTENDED.suggest(form(p09=MODERATE), EXTENDED_RULES).rule == "R05"
    assert EXTENDED.suggest(form(), EXTENDED_RULES).rule == "R12"
    assert EXTENDED.suggest({}, EXTENDED_RULES).rule == INSUFFICIENT


def test_an_added_rule_runs_on_the_vectorised_path_too():
    codes = np.stack([ratings_to_codes(form(p20=MILD)), ratings_to_codes(form(p09=MODERATE))], axis=1)
    assert EXTENDED.suggest_columns(codes, EXTENDED_RULES).rule.tolist() == ["R04E", "R05"]


def test_an_added_rule_needs_its_entry_in_the_rules_version():
    with pytest.raises(ValueError, match="rules: missing key.*R04E"):
        EXTENDED.ruleset_from_definition("old", V1_DEFINITION)


def test_an_added_rules_parameters_are_validated_and_round_trip():
    definition = extended_definition()
    assert EXTENDED_RULES.to_definition() == definition
    assert "GMH01" in EXTENDED_RULES.grouping_codes()
    definition["rules"]["R04E"]["item"] = "c31"
    with pytest.raises(ValueError, match="rules.R04E.item: c31 is not a problem item"):
        EXTENDED.ruleset_from_definition("faulty", definition)


def test_a_rules_version_built_for_another_table_is_refused():
    with pytest.raises(ValueError, match="not built for this table"):
        suggest(form(), EXTENDED_RULES)


def test_rule_ids_must_be_distinct():
    with pytest.raises(ValueError, match="distinct"):
        RuleEngine((*RULE_TABLE, RULE_TABLE[0]))


def test_a_table_whose_last_rule_does_not_match_every_row_is_refused_when_a_row_falls_through():
    engine = RuleEngine(RULE_TABLE[:-1])
    definition = copy.deepcopy(V1_DEFINITION)
    del definition["rules"]["R12"]
    rules = engine.ruleset_from_definition("no default", definition)
    assert engine.suggest(form(p09=MODERATE), rules).rule == "R05"
    with pytest.raises(ValueError, match="no rule matched"):
        engine.suggest(form(), rules)


def test_the_scalar_path_is_the_vectorised_engine_on_one_column():
    ratings = form(p09=MODERATE, p10=SEVERE, c37=1, e49=None)
    arrays = suggest_arrays(ratings_to_codes(ratings)[np.newaxis, :], RULES)
    outcome = suggest(ratings, RULES)
    assert (arrays.grouping[0], arrays.rule[0], bool(arrays.risk_flag[0])) == (
        outcome.grouping,
        outcome.rule,
        outcome.risk_flag,
    )


def test_not_known_and_left_out_items_become_the_not_known_code():
    codes = ratings_to_codes({"p09": None, "p10": MODERATE})
    assert codes.dtype == np.int8 and codes.shape == (50,)
    assert codes[ALL_ITEMS.index("p09")] == codes[ALL_ITEMS.index("p11")] == -1
    assert codes[ALL_ITEMS.index("p10")] == MODERATE


def test_the_outcome_names_the_raised_areas_high_items_and_counts():
    outcome = suggest(form(p09=SEVERE, p02=MODERATE, p21=MODERATE, p30=None), RULES)
    assert outcome.raised_domains == ("DEP", "SOC")
    assert outcome.high_items == ("p02", "p09", "p21")
    assert (outcome.severe_count, outcome.not_known_count) == (1, 1)


def test_domain_order_in_the_stored_json_does_not_change_the_grouping():
    # PostgreSQL jsonb stores object keys in its own order.
    definition = copy.deepcopy(V1_DEFINITION)
    definition["domains"] = dict(reversed(list(definition["domains"].items())))
    reordered = ruleset_from_definition("CAMHS-NBG v1", definition)
    for ratings in ({"p09": MODERATE}, {"p15": MODERATE}, {"p09": MODERATE, "p10": MODERATE}):
        assert suggest(form(**ratings), reordered).grouping == suggest(form(**ratings), RULES).grouping
    assert explain(suggest(form(p09=MODERATE), reordered), reordered) == explain(
        suggest(form(p09=MODERATE), RULES), RULES
    )


def edited(change) -> dict:
    definition = copy.deepcopy(V1_DEFINITION)
    change(definition)
    return definition


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["rules"]["R04"].update(raised_at_least=9), r"rules.R04.raised_at_least: .*1 to 8"),
        (lambda d: d["rules"]["R08"].update(emotional_at_least=0), "rules.R08.emotional_at_least"),
        (lambda d: d["rules"]["R04"].update(severe_at_least=True), "rules.R04.severe_at_least"),
        (lambda d: d["rules"]["R05"]["grouping_by_domain"].update(ANX="GH04"), "unknown key.*ANX"),
        (lambda d: d["rules"]["R09"].update(domains=["ADHD", "ADHD"]), "rules.R09.domains: duplicated"),
        (lambda d: d["rules"]["R11"].update(items=[]), "rules.R11.items"),
        (
            lambda d: d["domains"].update(ANX={"label": "anxiety", "kind": "emotional"}),
            "domains.ANX: missing",
        ),
        (lambda d: d["flags"]["attendance"][0].update(at_least=4), r"flags.attendance\[0\].at_least"),
        (lambda d: d.update(version="v9"), "definition: unknown key.*version"),
        (lambda d: d.update(rules=[]), "rules: "),
    ],
)
def test_a_faulty_definition_is_rejected_by_the_declared_schema(change, message):
    with pytest.raises(ValueError, match=message):
        ruleset_from_definition("faulty", edited(change))


def test_a_definition_that_is_not_an_object_is_rejected():
    with pytest.raises(ValueError, match="definition: expected an object"):
        ruleset_from_definition("faulty", ["not", "an", "object"])  # type: ignore[arg-type]
