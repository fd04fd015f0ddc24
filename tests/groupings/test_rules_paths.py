"""Path versions (groupings/path_rules.py): a rules version made of a tree's paths, applied by the engine."""

import copy
import csv
import io

import numpy as np
import pytest

from assessments.current_view_items import ALL_ITEMS, ITEMS_BY_ID, MAX_CODE, PROBLEM_ITEMS
from groupings.batch import group_csv
from groupings.rules import (
    INSUFFICIENT,
    V1_DEFINITION,
    PathRuleSet,
    explain,
    ruleset_from_definition,
    suggest,
    suggest_arrays,
)

NONE, MILD, MODERATE, SEVERE = 0, 1, 2, 3
NOT_KNOWN = None
DEFINITION = {
    "insufficient_not_known_at_least": 10,
    "paths": [
        {"id": "P01", "grouping": "L01", "conditions": [{"item": "p09", "answers": [2, 3]}]},
        {
            "id": "P02",
            "grouping": "L02",
            "conditions": [{"item": "p09", "answers": [None]}, {"item": "p05", "answers": [None, 0, 1]}],
        },
        {"id": "P03", "grouping": "L03", "conditions": [{"item": "c35", "answers": [1]}]},
        {"id": "P04", "grouping": "L04"},
    ],
    "flags": V1_DEFINITION["flags"],
}
RULES = ruleset_from_definition("tree v1", DEFINITION)


def form(**ratings: int | None) -> dict[str, int | None]:
    return {item: 0 for item in ALL_ITEMS} | ratings


def with_not_known(count: int, **ratings: int | None) -> dict[str, int | None]:
    unknown = [item for item in PROBLEM_ITEMS if item not in ratings][:count]
    return form(**ratings) | {item: NOT_KNOWN for item in unknown}


def test_a_definition_with_paths_is_a_path_version():
    assert isinstance(RULES, PathRuleSet)
    assert not isinstance(ruleset_from_definition("v1", V1_DEFINITION), PathRuleSet)


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        (form(p09=MODERATE), ("L01", "P01")),
        (form(p09=SEVERE, c35=1), ("L01", "P01")),  # the first path that holds wins
        (form(p09=NOT_KNOWN), ("L02", "P02")),  # Not known is an answer of its own
        (form(p09=NOT_KNOWN, p05=NOT_KNOWN), ("L02", "P02")),
        (form(p09=NOT_KNOWN, p05=MODERATE), ("L04", "P04")),
        (form(p09=MILD, c35=1), ("L03", "P03")),
        (form(p09=MILD, c35=NOT_KNOWN), ("L04", "P04")),
        (form(), ("L04", "P04")),
    ],
)
def test_the_first_path_whose_conditions_hold_suggests_its_grouping(ratings, expected):
    outcome = suggest(ratings, RULES)
    assert (outcome.grouping, outcome.rule, outcome.rules_version) == (*expected, "tree v1")


def test_too_many_not_known_is_checked_before_the_paths():
    # P02 would take this Current View (p09 Not known); the version's Not known check comes first.
    outcome = suggest(with_not_known(9, p09=NOT_KNOWN), RULES)  # 10 in all
    assert (outcome.grouping, outcome.rule, outcome.not_known_count) == (None, INSUFFICIENT, 10)
    assert explain(outcome, RULES).startswith("Not enough information: 10 or more of the 30 problem")
    assert suggest(with_not_known(8, p09=NOT_KNOWN), RULES).rule == "P02"


def test_the_explanation_is_the_path_in_plain_words():
    assert explain(suggest(form(p09=SEVERE), RULES), RULES) == (
        "P01: 'Depression/low mood' (p09) is Moderate or Severe."
    )
    assert explain(suggest(form(p09=NOT_KNOWN, p05=MILD), RULES), RULES) == (
        "P02: 'Depression/low mood' (p09) is Not known and 'Panics' (p05) is Not known, None or Mild."
    )
    assert (
        explain(suggest(form(c35=1), RULES), RULES)
        == "P03: 'Pervasive developmental disorders' (c35) is Yes."
    )
    assert explain(suggest(form(), RULES), RULES) == (
        "P04: no conditions, so every Current View with enough information takes this path."
    )


def test_flags_and_complexity_come_from_the_version_as_for_the_rule_table():
    outcome = suggest(form(p10=SEVERE, e49=MODERATE, c35=1, c37=1), RULES)
    assert (outcome.attendance_flag, outcome.risk_flag, outcome.complexity_count) == (True, True, 2)
    assert (outcome.add_on_grouping, outcome.add_on_rule) == (None, None)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_vectorised_engine_agrees_with_one_current_view_at_a_time(seed):
    rng = np.random.default_rng(seed)
    tops = np.array([MAX_CODE[ITEMS_BY_ID[item].response_scale] for item in ALL_ITEMS])
    codes = rng.integers(-1, tops + 1, size=(400, len(ALL_ITEMS))).astype(np.int8)
    result = suggest_arrays(codes, RULES)
    for row in range(0, 400, 7):
        ratings = {
            item: None if code < 0 else int(code) for item, code in zip(ALL_ITEMS, codes[row], strict=True)
        }
        one = suggest(ratings, RULES)
        assert (result.grouping[row], result.rule[row]) == (one.grouping, one.rule)
    assert set(result.rule) == {INSUFFICIENT, "P01", "P02", "P03", "P04"}


def test_a_path_version_reports_its_groupings_and_reads_no_age():
    assert RULES.grouping_codes() == {"L01", "L02", "L03", "L04"}
    assert not RULES.reads_age and RULES.add_on_params() == {} and RULES.rule_params() == {}
    assert RULES.catalogue_faults({"L01": True, "L02": True, "L03": False}) == [
        "the rules name groupings missing from the catalogue: L04",
        "the rules suggest groupings marked never suggested: L03",
    ]


def test_a_path_version_round_trips_through_its_definition():
    assert ruleset_from_definition("tree v1", RULES.to_definition()) == RULES
    assert RULES.to_definition()["paths"][1]["conditions"][0] == {"item": "p09", "answers": [None]}


def test_the_batch_grouper_applies_a_path_version():
    rows = [form(p09=MODERATE), form(p09=NOT_KNOWN), form()]
    words = {0: "None", 1: "Mild", 2: "Moderate", 3: "Severe", None: "Not known"}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(ALL_ITEMS)
    for ratings in rows:
        writer.writerow(
            [("Yes" if ratings[i] else "No") if i.startswith("c") else words[ratings[i]] for i in ALL_ITEMS]
        )
    out = io.StringIO()
    group_csv(io.StringIO(buffer.getvalue(), newline=""), out, RULES)
    found = [
        (r["grouping"], r["rule"], r["rules_version"]) for r in csv.DictReader(io.StringIO(out.getvalue()))
    ]
    assert found == [("L01", "P01", "tree v1"), ("L02", "P02", "tree v1"), ("L04", "P04", "tree v1")]


def _changed(change) -> dict:
    definition = copy.deepcopy(DEFINITION)
    change(definition)
    return definition


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["paths"][0]["conditions"][0].update(item="p99"), r"paths\[0\]\.conditions\[0\]\.item: "),
        (
            lambda d: d["paths"][2]["conditions"][0].update(answers=[2]),
            r"paths\[2\]\.conditions\[0\]\.answers: 2 is not an answer of c35: expected 0 to 1, or null",
        ),
        (
            lambda d: d["paths"][0]["conditions"][0].update(answers=[]),
            r"paths\[0\]\.conditions\[0\]\.answers: ",
        ),
        (lambda d: d["paths"][0]["conditions"][0].update(answers=[2, 2]), "duplicated answers"),
        (lambda d: d["paths"][1].update(id="P01"), r"paths\[1\]\.id: P01 is the id of paths\[0\] too"),
        (lambda d: d["paths"][1].update(id="R02"), r"paths\[1\]\.id: a path id is P and a number"),
        (lambda d: d["paths"][1].update(id="P1234567890123"), r"paths\[1\]\.id: a path id is P"),
        (
            lambda d: d["paths"][1]["conditions"].append({"item": "p09", "answers": [0]}),
            r"paths\[1\]\.conditions: .*more than one condition on p09",
        ),
        (lambda d: d["paths"][0].pop("grouping"), r"paths\[0\]: missing key\(s\) grouping"),
        (lambda d: d["paths"][0].update(answers=[1]), r"paths\[0\]: unknown key\(s\) answers"),
        (lambda d: d.update(paths=[]), "paths: "),
        (lambda d: d.pop("flags"), r"definition: missing key\(s\) flags"),
        (lambda d: d.update(rules={}), r"definition: unknown key\(s\) rules"),
        (lambda d: d.update(insufficient_not_known_at_least=31), "insufficient_not_known_at_least: "),
        (
            lambda d: d["paths"].pop(),
            r"paths: no path takes a Current View with 'Depression/low mood' \(p09\) Not known and 'Panics' "
            r"\(p05\) Moderate or Severe and 'Pervasive developmental disorders' \(c35\) Not known or No: every "
            r"Current View must take a path",
        ),
    ],
)
def test_a_faulty_path_definition_is_refused_naming_the_key(change, message):
    with pytest.raises(ValueError, match=r"rules version 'tree v1': .*" + message):
        ruleset_from_definition("tree v1", _changed(change))


def test_overlapping_paths_that_together_take_every_current_view_are_accepted():
    paths = [
        {"id": "P01", "grouping": "A", "conditions": [{"item": "p01", "answers": [None, 0, 1]}]},
        {"id": "P02", "grouping": "B", "conditions": [{"item": "p02", "answers": [2, 3]}]},
        {"id": "P03", "grouping": "C", "conditions": [{"item": "p01", "answers": [1, 2, 3]}]},
    ]
    rules = ruleset_from_definition("overlap", {**DEFINITION, "paths": paths})
    assert suggest(form(p01=MILD, p02=SEVERE), rules).rule == "P01"
    assert suggest(form(p01=SEVERE, p02=SEVERE), rules).rule == "P02"
    assert suggest(form(p01=SEVERE), rules).rule == "P03"
