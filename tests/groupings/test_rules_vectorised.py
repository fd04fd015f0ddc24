import copy
import functools
from collections.abc import Mapping, Sequence
from typing import cast

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.current_view_items import ALL_ITEMS, ITEMS_BY_ID, PROBLEM_ITEMS
from groupings.rules import (
    DEMO_V2_DEFINITION,
    INSUFFICIENT,
    V1_DEFINITION,
    RuleSet,
    TableRuleSet,
    ruleset_from_definition,
    suggest,
    suggest_arrays,
    suggest_columns,
    suggest_frame,
)

RULES = cast(TableRuleSet, ruleset_from_definition("CAMHS-NBG v1", V1_DEFINITION))
MODERATE, SEVERE = 2, 3
SINGLE_ITEM_PROBLEMS = {"p11", "p12", "p20"}
DOMAIN_ITEMS = {name: d.items for name, d in RULES.domains.items()}
EMOTIONAL = [name for name, d in RULES.domains.items() if d.kind == "emotional"]
BEHAVIOURAL = [name for name, d in RULES.domains.items() if d.kind == "behavioural"]
IN_NO_DOMAIN = [
    item
    for item in PROBLEM_ITEMS
    if item not in SINGLE_ITEM_PROBLEMS and all(item not in items for items in DOMAIN_ITEMS.values())
]


def answers(item: str) -> list[int | None]:
    top = 3 if ITEMS_BY_ID[item].response_scale == "severity" else 1
    return [None, *range(top + 1)]


ANSWERS = [answers(item) for item in ALL_ITEMS]


def decode(raw: bytes) -> dict[str, int | None]:
    """One byte per item picks its answer (Not known included): one draw per form keeps hypothesis fast."""
    return {
        item: choices[byte % len(choices)]
        for item, choices, byte in zip(ALL_ITEMS, ANSWERS, raw, strict=True)
    }


any_form = st.binary(min_size=len(ALL_ITEMS), max_size=len(ALL_ITEMS)).map(decode)


# Strategies are built once, not at each draw: building and validating one costs more than drawing from it.
LEFT_OUT = st.sets(st.sampled_from(ALL_ITEMS), max_size=15)
LOW_PROBLEMS = st.binary(min_size=len(PROBLEM_ITEMS), max_size=len(PROBLEM_ITEMS))
AT_MOST_9_PROBLEMS = st.sets(st.sampled_from(PROBLEM_ITEMS), max_size=9)
MODERATE_OR_SEVERE = st.sampled_from([MODERATE, SEVERE])
MILD_OR_NONE = st.sampled_from([0, 1])
C35_NOT_YES = st.sampled_from([0, None])


@st.composite
def partial_forms(draw) -> dict[str, int | None]:
    """A form with some items left out altogether (left out means Not known)."""
    form = draw(any_form)
    left_out = draw(LEFT_OUT)
    return {item: value for item, value in form.items() if item not in left_out}


@st.composite
def low_forms(draw) -> dict[str, int | None]:
    """Problems None, Mild or Not known (at most 9 Not known); every other item anything."""
    form = draw(any_form)
    low = draw(LOW_PROBLEMS)
    form.update({item: byte % 2 for item, byte in zip(PROBLEM_ITEMS, low, strict=True)})
    for item in draw(AT_MOST_9_PROBLEMS):
        form[item] = None
    return form


def raise_items(draw, form: dict, items, max_severe: int = 2) -> None:
    """Rate the items Moderate or Severe, keeping the form's Severe count at max_severe or below."""
    for item in items:
        severe = sum(form[i] == SEVERE for i in PROBLEM_ITEMS)
        form[item] = draw(MODERATE_OR_SEVERE) if severe < max_severe else MODERATE


def raise_domains(draw, form: dict, names, max_severe: int = 2) -> None:
    for name in names:
        items = draw(sets_of(tuple(DOMAIN_ITEMS[name]), min_size=1))
        raise_items(draw, form, sorted(items), max_severe)


@functools.cache
def sets_of(pool: tuple, min_size: int = 0, max_size: int | None = None) -> st.SearchStrategy:
    return st.sets(st.sampled_from(pool), min_size=min_size, max_size=max_size)


def some(draw, pool, min_size=0, max_size=None) -> list:
    return sorted(draw(sets_of(tuple(pool), min_size, max_size)))


def not_covered_extras(draw, form: dict) -> None:
    """Optionally raise problems outside every domain; p28 only with c35 Yes so R10 stays out of the way."""
    extras = some(draw, IN_NO_DOMAIN, max_size=2)
    raise_items(draw, form, extras)
    if "p28" in extras:
        form["c35"] = 1


LOW_FORMS = low_forms()
NOT_SINGLE_ITEM = tuple(i for i in PROBLEM_ITEMS if i not in SINGLE_ITEM_PROBLEMS)
ONE_NOT_SINGLE_ITEM = st.sampled_from(NOT_SINGLE_ITEM)
ONE_DOMAIN = st.sampled_from(list(DOMAIN_ITEMS))
EMOTIONAL_NOT_SH_AND_DEP = st.lists(st.sampled_from(EMOTIONAL), min_size=2, unique=True).filter(
    lambda chosen: set(chosen) != {"SH", "DEP"}
)


@st.composite
def forms_firing(draw, rule: str) -> dict[str, int | None]:
    """A form that SPEC section 3 sends to `rule`, built by hand from the rule table (not from suggest)."""
    form = draw(LOW_FORMS)
    if rule == INSUFFICIENT:
        form = draw(any_form)
        for item in some(draw, PROBLEM_ITEMS, min_size=10):
            form[item] = None
    elif rule in ("R01", "R02", "R03"):
        raise_items(draw, form, some(draw, PROBLEM_ITEMS), max_severe=30)
        for item, earlier in (("p12", "R01"), ("p11", "R02"), ("p20", "R03")):
            if rule == earlier:
                raise_items(draw, form, [item], max_severe=30)
                break
            form[item] = draw(MILD_OR_NONE)
    elif rule == "R04":
        if draw(st.booleans()):
            for item in some(draw, NOT_SINGLE_ITEM, min_size=3):
                form[item] = SEVERE
        else:
            raise_domains(draw, form, some(draw, DOMAIN_ITEMS, min_size=3), max_severe=30)
            if not any(form[i] == SEVERE for i in PROBLEM_ITEMS):
                form[draw(ONE_NOT_SINGLE_ITEM)] = SEVERE
    elif rule == "R05":
        raise_domains(draw, form, [draw(ONE_DOMAIN)])
        not_covered_extras(draw, form)
    elif rule in ("R06", "R08"):
        if rule == "R06":
            names = some(draw, EMOTIONAL, min_size=1) + some(draw, BEHAVIOURAL, min_size=1)
        else:
            names = draw(EMOTIONAL_NOT_SH_AND_DEP)
        raise_domains(draw, form, names, max_severe=0 if len(names) >= 3 else 2)
        if len(names) < 3:
            not_covered_extras(draw, form)
    elif rule in ("R07", "R09"):
        raise_domains(draw, form, ["SH", "DEP"] if rule == "R07" else ["ADHD", "CONDUCT"])
        not_covered_extras(draw, form)
    elif rule == "R10":
        raise_items(draw, form, ["p28"])
        form["c35"] = draw(C35_NOT_YES)
        raise_items(draw, form, some(draw, [i for i in IN_NO_DOMAIN if i != "p28"], max_size=3))
    elif rule == "R11":
        chosen = some(draw, IN_NO_DOMAIN, min_size=1, max_size=4)
        raise_items(draw, form, chosen)
        if "p28" in chosen:
            form["c35"] = 1
    return form


def to_codes(forms: list[dict[str, int | None]]) -> np.ndarray:
    return np.array(
        [[-1 if form.get(item) is None else form[item] for item in ALL_ITEMS] for form in forms], np.int8
    )


def to_frame(forms: Sequence[Mapping[str, int | None]]) -> pd.DataFrame:
    """Float columns in ALL_ITEMS order, NaN for Not known (built from one array: a list of dicts is slow)."""
    values = [
        [np.nan if (value := form.get(item)) is None else value for item in ALL_ITEMS] for form in forms
    ]
    return pd.DataFrame(np.array(values, dtype=float).reshape(len(forms), len(ALL_ITEMS)), columns=ALL_ITEMS)


def assert_paths_agree(
    forms: list[dict[str, int | None]], rules: RuleSet, ages: Sequence[int | None] | None = None
) -> list[str]:
    """The scalar, array and frame paths give the same outcomes (add-on included); ages None: not known."""
    given_ages = list(ages) if ages is not None else [None] * len(forms)
    expected = [
        (
            s.grouping,
            s.rule,
            s.rules_version,
            s.complexity_count,
            s.attendance_flag,
            s.risk_flag,
            s.add_on_grouping,
            s.add_on_rule,
        )
        for s in (suggest(form, rules, age) for form, age in zip(forms, given_ages, strict=True))
    ]
    age_codes = None if ages is None else np.array([-1 if age is None else age for age in given_ages])
    arrays = suggest_arrays(to_codes(forms), rules, age_codes)
    from_arrays = list(
        zip(
            arrays.grouping.tolist(),
            arrays.rule.tolist(),
            [arrays.rules_version] * len(forms),
            arrays.complexity_count.tolist(),
            arrays.attendance_flag.tolist(),
            arrays.risk_flag.tolist(),
            arrays.add_on_grouping.tolist(),
            arrays.add_on_rule.tolist(),
            strict=True,
        )
    )
    frame_in = to_frame(forms)
    if ages is not None:
        frame_in["age"] = pd.array(given_ages, dtype="Int16")
    frame = suggest_frame(frame_in, rules)
    from_frame = [
        (*row[:3], int(row[3]), bool(row[4]), bool(row[5]), row[6]) for row in frame.itertuples(index=False)
    ]
    assert from_arrays == expected
    assert from_frame == [row[:7] for row in expected]
    return [row[1] for row in expected]


@settings(max_examples=300)
@given(st.lists(any_form, min_size=1, max_size=20))
def test_scalar_and_vectorised_paths_agree_on_random_forms(forms):
    assert_paths_agree(forms, RULES)


@settings(max_examples=200)
@given(st.lists(partial_forms(), min_size=1, max_size=20))
def test_scalar_and_vectorised_paths_agree_when_items_are_left_out(forms):
    assert_paths_agree(forms, RULES)


@settings(max_examples=200)
@given(st.lists(low_forms(), min_size=1, max_size=20))
def test_scalar_and_vectorised_paths_agree_on_forms_with_few_high_ratings(forms):
    assert_paths_agree(forms, RULES)


@functools.cache
def lists_firing(rule: str) -> st.SearchStrategy:
    return st.lists(forms_firing(rule), min_size=1, max_size=10)


@pytest.mark.parametrize("rule", [*RULES.rule_params(), INSUFFICIENT])
@settings(max_examples=60)
@given(data=st.data())
def test_forms_built_for_each_rule_fire_it_on_both_paths(rule, data):
    forms = data.draw(lists_firing(rule))
    assert assert_paths_agree(forms, RULES) == [rule] * len(forms)


MIXED_FORMS = st.lists(st.one_of(any_form, low_forms(), forms_firing("R06")), min_size=1, max_size=20)


@settings(max_examples=100)
@given(
    data=st.data(),
    high=st.integers(1, 3),
    severe=st.integers(1, 3),
    insufficient=st.integers(1, 30),
    r04=st.tuples(st.integers(1, 30), st.integers(1, 8), st.integers(0, 30)),
    emotional=st.integers(1, 6),
)
def test_scalar_and_vectorised_paths_agree_under_edited_parameters(
    data, high, severe, insufficient, r04, emotional
):
    definition = copy.deepcopy(V1_DEFINITION)
    definition.update(
        high_at_least=high, severe_at_least=severe, insufficient_not_known_at_least=insufficient
    )
    definition["rules"]["R04"].update(
        severe_at_least=r04[0], raised_at_least=r04[1], raised_with_severe_at_least=r04[2]
    )
    definition["rules"]["R08"]["emotional_at_least"] = emotional
    rules = ruleset_from_definition("edited", definition)
    forms = data.draw(MIXED_FORMS)
    assert_paths_agree(forms, rules)


DEMO_V2 = ruleset_from_definition("demo v2", DEMO_V2_DEFINITION)
ages = st.one_of(st.none(), st.integers(0, 25))
DEMO_V2_FORMS = st.lists(
    st.one_of(any_form, low_forms(), forms_firing("R05"), forms_firing("R10")), min_size=1, max_size=20
)


@functools.cache
def ages_for(count: int) -> st.SearchStrategy:
    return st.lists(ages, min_size=count, max_size=count)


@settings(max_examples=300)
@given(data=st.data())
def test_scalar_and_vectorised_paths_agree_on_the_demo_v2_rules_with_random_ages(data):
    forms = data.draw(DEMO_V2_FORMS)
    assert_paths_agree(forms, DEMO_V2, data.draw(ages_for(len(forms))))


@st.composite
def conditions(draw) -> dict:
    """An age band (min, max or both) and/or comparisons between random problem items."""
    chosen: dict = {}
    if draw(st.booleans()):
        low = draw(st.one_of(st.none(), st.integers(0, 20)))
        high = draw(st.integers(low or 0, 25)) if low is None or draw(st.booleans()) else None
        chosen["age"] = {key: value for key, value in (("min", low), ("max", high)) if value is not None}
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(PROBLEM_ITEMS), st.sampled_from(PROBLEM_ITEMS)).filter(
                lambda p: p[0] != p[1]
            ),
            max_size=2,
            unique=True,
        )
    )
    if pairs:
        chosen["comparisons"] = [{"lower": lower, "than": than} for lower, than in pairs]
    return chosen


@settings(max_examples=150)
@given(data=st.data(), extra=st.lists(conditions(), min_size=3, max_size=3))
def test_scalar_and_vectorised_paths_agree_with_random_conditions_on_random_rules(data, extra):
    definition = copy.deepcopy(DEMO_V2_DEFINITION)
    rule_ids = [rule_id for rule_id in definition["rules"] if rule_id != "R12"]
    targets = data.draw(st.lists(st.sampled_from(rule_ids), min_size=2, max_size=2, unique=True))
    for rule_id, added in zip(targets, extra, strict=False):
        definition["rules"][rule_id].update(added)
    definition["add_on_rules"]["A01"].update(extra[2])
    rules = ruleset_from_definition("random conditions", definition)
    forms = data.draw(MIXED_FORMS)
    assert_paths_agree(forms, rules, data.draw(ages_for(len(forms))))


def test_an_empty_batch_gives_empty_results():
    arrays = suggest_arrays(np.empty((0, 50), dtype=np.int8), RULES)
    assert arrays.grouping.shape == arrays.rule.shape == arrays.risk_flag.shape == (0,)


def test_the_frame_path_keeps_the_frames_index():
    frame = to_frame([{"p09": 2} | {item: 0 for item in ALL_ITEMS if item != "p09"}] * 2)
    frame.index = ["case-a", "case-b"]
    assert suggest_frame(frame, RULES).loc["case-b", "grouping"] == "GH03"


def test_the_frame_path_gives_none_for_insufficient_information():
    result = suggest_frame(to_frame([{}]), RULES)
    assert result.loc[0, "grouping"] is None and result.loc[0, "rule"] == INSUFFICIENT


@pytest.mark.parametrize(
    "column",
    [
        pd.Series([2, pd.NA], dtype="Int8"),
        pd.Series([2, -1], dtype="int8"),
        pd.Series([2.0, np.nan]),
        pd.Series([2, None], dtype=object),
    ],
)
def test_the_frame_path_reads_not_known_as_nan_na_none_or_minus_one(column):
    frame = pd.DataFrame({item: [0, 0] for item in ALL_ITEMS}).assign(p09=column, p12=column)
    assert suggest_frame(frame, RULES)["rule"].tolist() == ["R01", "R12"]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [("c35", 2, "c35"), ("p09", 4, "p09"), ("p09", 2.5, "whole numbers")],
)
def test_the_frame_path_rejects_values_that_are_not_codes(column, value, message):
    frame = pd.DataFrame({item: [0.0] for item in ALL_ITEMS}).assign(**{column: [value]})
    with pytest.raises(ValueError, match=message):
        suggest_frame(frame, RULES)


def test_the_frame_path_needs_every_item_column():
    with pytest.raises(ValueError, match="e50"):
        suggest_frame(pd.DataFrame({item: [0] for item in ALL_ITEMS[:-1]}), RULES)


@pytest.mark.parametrize(
    ("position", "value"), [(ALL_ITEMS.index("c35"), 2), (ALL_ITEMS.index("p09"), 4), (0, -2)]
)
def test_the_array_path_rejects_codes_outside_each_items_scale(position, value):
    codes = np.zeros((3, 50), dtype=np.int8)
    codes[1, position] = value
    with pytest.raises(ValueError, match=ALL_ITEMS[position]):
        suggest_arrays(codes, RULES)


def test_the_array_path_rejects_the_wrong_shape():
    with pytest.raises(ValueError, match="rows x 50"):
        suggest_arrays(np.zeros((3, 49), dtype=np.int8), RULES)


def test_the_column_path_accepts_wider_integer_types():
    columns = np.zeros((50, 2), dtype=np.int64)
    columns[ALL_ITEMS.index("p09"), 0] = 2
    assert suggest_columns(columns, RULES).grouping.tolist() == ["GH03", "GA01"]
