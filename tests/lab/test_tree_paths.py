"""A fitted tree as a path version (lab/publish.py, pure part): the engine puts every Current View in the
leaf the fitted tree itself gives, Not known included; no database."""

import numpy as np
import pytest

from assessments.current_view_items import ALL_ITEMS, ITEMS_BY_ID, MAX_CODE, PROBLEM_ITEMS
from groupings.rules import (
    INSUFFICIENT,
    V1_DEFINITION,
    explain,
    ruleset_from_definition,
    suggest,
    suggest_arrays,
)
from lab.methods import Episodes, Params, fit
from lab.publish import PublishRefused, grouping_code, paths_definition, tree_leaves

TOPS = np.array([MAX_CODE[ITEMS_BY_ID[item].response_scale] for item in ALL_ITEMS])
PROBLEMS = [ALL_ITEMS.index(item) for item in PROBLEM_ITEMS]
P05, P09, C35 = (ALL_ITEMS.index(item) for item in ("p05", "p09", "c35"))


def random_codes(n: int, rng: np.random.Generator, not_known: float) -> np.ndarray:
    """n x 50 codes: Not known with probability `not_known`, else any answer of the item."""
    codes = rng.integers(0, TOPS + 1, size=(n, len(ALL_ITEMS)))
    return np.where(rng.random(codes.shape) < not_known, -1, codes).astype(np.int8)


def episodes(n: int, seed: int) -> Episodes:
    """Appointments that depend on Not known (p05), on a rating (p09) and on a Yes (c35), with noise."""
    rng = np.random.default_rng(seed)
    codes = random_codes(n, rng, not_known=0.15)
    mean = 3 + 5 * (codes[:, P05] == -1) + 2.0 * np.maximum(codes[:, P09], 0) + 4 * (codes[:, C35] == 1)
    return Episodes(codes=codes, appointments=rng.poisson(mean).astype(float), suggested=np.full(n, "GA01"))


def published(result, threshold: int = 10):
    definition = paths_definition(
        tree_leaves(result), insufficient_not_known_at_least=threshold, flags=V1_DEFINITION["flags"]
    )
    return ruleset_from_definition("tree", definition)


@pytest.mark.parametrize(
    ("seed", "min_leaf", "max_leaves"), [(0, 30, 12), (1, 5, 40), (2, 50, 6), (3, 1, 60), (4, 20, 20)]
)
def test_the_engine_puts_every_current_view_in_the_leaf_the_tree_gives(seed, min_leaf, max_leaves):
    result = fit(
        "tree", episodes(3000, seed), seed=seed, params=Params(min_leaf=min_leaf, max_leaves=max_leaves)
    )
    rules = published(result)
    rng = np.random.default_rng(100 + seed)
    # fresh Current Views, many with Not known, some with so much that the version's check applies
    codes = np.concatenate([random_codes(4000, rng, not_known=p) for p in (0.05, 0.25, 0.45)])
    outcome = suggest_arrays(codes, rules)
    leaf = result.model.apply(codes)
    code_of = {group.label: grouping_code(n) for n, group in enumerate(result.groups, start=1)}
    too_little = (codes[:, PROBLEMS] == -1).sum(axis=1) >= 10
    assert too_little.any() and (~too_little).sum() > 5000
    assert (outcome.rule[too_little] == INSUFFICIENT).all()
    assert all(grouping is None for grouping in outcome.grouping[too_little])
    expected = np.array([code_of[label] for label in leaf[~too_little]], dtype=object)
    assert (outcome.grouping[~too_little] == expected).all()
    assert len(set(outcome.grouping[~too_little])) > 1


def test_the_tree_sets_not_known_apart_and_the_path_says_so():
    result = fit("tree", episodes(3000, 0), seed=0, params=Params(min_leaf=30, max_leaves=12))
    rules = published(result)
    not_known_only = [
        (n, c) for n, g in enumerate(result.groups, 1) for c in g.conditions if c.lowest == c.highest == -1
    ]
    assert not_known_only, "the planted Not known effect should give a leaf for Not known alone"
    n, condition = not_known_only[0]
    ratings = {item: 0 for item in ALL_ITEMS} | {condition.item: None}
    for other in result.groups[n - 1].conditions:
        if other.item != condition.item:
            ratings[other.item] = None if other.lowest == -1 else other.lowest
    outcome = suggest(ratings, rules)
    assert outcome.rule == f"P{n:02d}"
    words = explain(outcome, rules)
    assert words.startswith(f"P{n:02d}: ") and "(p05) is Not known" in words


def test_a_single_leaf_tree_is_one_path_that_takes_every_current_view():
    flat = Episodes(
        codes=np.zeros((40, 50), dtype=np.int8), appointments=np.full(40, 3.0), suggested=np.full(40, "GA01")
    )
    result = fit("tree", flat, seed=0)
    rules = published(result)
    assert [group.conditions for group in result.groups] == [()]
    assert suggest({item: 0 for item in ALL_ITEMS}, rules).grouping == "L01"


def test_the_stored_json_of_a_fit_publishes_the_same_paths_as_the_fit():
    result = fit("tree", episodes(2000, 5), seed=5)
    assert published(result.to_json()) == published(result)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"method": "clusters", "groups": []}, "Only a regression tree can be published, not 'clusters'"),
        ({"method": "tree", "groups": []}, "The tree has no leaves"),
        ({"method": "tree", "groups": [{"label": "L1"}]}, r"groups\[0\] cannot be read"),
        (
            {
                "method": "tree",
                "groups": [
                    {
                        "label": "L1",
                        "size": 3,
                        "mean_appointments": 2.0,
                        "description": "x",
                        "conditions": [{"item": "c35", "lowest": 0, "highest": 2}],
                    }
                ],
            },
            "c35: codes 0 to 2 are not a range of its answers",
        ),
    ],
)
def test_run_data_that_is_not_a_tree_is_refused_with_a_clear_message(data, message):
    with pytest.raises(PublishRefused, match=message):
        tree_leaves(data)
