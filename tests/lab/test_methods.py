"""The lab's fits on synthetic episodes whose structure is planted (lab/synthetic.py): no database."""

import io
import json

import joblib
import numpy as np
import pytest

from lab.descriptions import Condition, condition_words
from lab.methods import Episodes, Params, fit
from lab.synthetic import planted_episodes
from tests.lab.helpers import score, v1_rules


@pytest.fixture(scope="module")
def planted() -> Episodes:
    return planted_episodes(3000, v1_rules(), seed=4)


@pytest.fixture(scope="module")
def planted_tree(planted):
    return fit("tree", planted, seed=1)


def test_the_same_episodes_and_seed_give_the_same_json(planted, planted_tree):
    again = fit("tree", planted, seed=1)
    assert json.dumps(again.to_json()) == json.dumps(planted_tree.to_json())
    other_seed = fit("tree", planted, seed=2)
    assert other_seed.to_json()["cv_r2"] != planted_tree.to_json()["cv_r2"]


def test_the_tree_finds_the_planted_items_first(planted_tree):
    nodes = planted_tree.tree
    assert nodes[0]["item"] in {"p09", "p03"}
    second_level = {node["item"] for node in nodes if node["depth"] == 1 and "item" in node}
    assert second_level <= {"p09", "p03"} and second_level
    assert score(planted_tree, "cv_r2") > 0.4
    # the rules were not built to explain appointments: the planted tree explains far more
    assert score(planted_tree, "cv_r2") > score(planted_tree, "rules_eta2") + 0.2


def test_a_shuffled_outcome_leaves_the_tree_nothing_to_explain():
    shuffled = planted_episodes(3000, v1_rules(), seed=4, shuffled=True)
    result = fit("tree", shuffled, seed=1)
    assert score(result, "cv_r2") <= 0.02


def test_leaves_are_described_in_the_items_plain_words(planted_tree):
    described = " | ".join(group.description for group in planted_tree.groups)
    assert "Depression/low mood (p09) at least Moderate" in described
    assert "Anxious generally (p03)" in described
    assert sum(group.size for group in planted_tree.groups) == 3000
    heaviest = max(planted_tree.groups, key=lambda group: group.mean_appointments)
    assert {c.item for c in heaviest.conditions} >= {"p09"}


def test_the_comparison_table_scores_rules_allocations_and_the_method_on_the_same_folds(planted_tree):
    rows = {row.grouping_by: row for row in planted_tree.comparison}
    assert list(rows) == ["rules", "clinicians' allocations", "tree leaves"]
    assert rows["tree leaves"].appointments_r2 == score(planted_tree, "cv_r2")
    assert rows["tree leaves"].cost_r2 > 0.4  # cost follows appointments
    assert rows["rules"].kappa is not None and rows["rules"].kappa > 0.7  # planted clinicians follow rules
    for row in rows.values():
        assert row.appointments_r2 <= row.appointments_eta2 + 1e-9  # held out never beats in-sample here


def test_the_fitted_tree_is_joblib_serialisable_and_reapplies(planted, planted_tree):
    buffer = io.BytesIO()
    joblib.dump(planted_tree.model, buffer)
    buffer.seek(0)
    model = joblib.load(buffer)
    labels = model.apply(planted.codes)
    sizes = {group.label: group.size for group in planted_tree.groups}
    assert {label: int((labels == label).sum()) for label in sizes} == sizes


def test_clusters_report_a_silhouette_for_every_k_and_describe_each_cluster():
    episodes = planted_episodes(1500, v1_rules(), seed=5)
    result = fit("clusters", episodes, seed=3, params=Params(k_min=2, k_max=5))
    assert sorted(result.silhouettes) == [2, 3, 4, 5]
    assert all(-1 <= s <= 1 for s in result.silhouettes.values())
    assert result.chosen_k == max(result.silhouettes, key=lambda k: (result.silhouettes[k], -k))
    assert len(result.groups) == result.chosen_k
    assert [g.label for g in result.groups] == [f"C{n}" for n in range(1, result.chosen_k + 1)]
    means = [g.mean_appointments for g in result.groups]
    assert means == sorted(means)
    assert result.to_json()["charts"]["silhouette"][0]["k"] == 2
    chosen = fit("clusters", episodes, seed=3, params=Params(k_min=2, k_max=5, k=4))
    assert chosen.chosen_k == 4 and chosen.comparison[-1].grouping_by == "clusters (k=4)"


def test_the_classifier_learns_planted_allocations_with_calibrated_probabilities():
    episodes = planted_episodes(3000, v1_rules(), seed=6, follow_rules=0.9)
    result = fit("classifier", episodes, seed=1)
    assert score(result, "cv_kappa") > 0.5
    assert score(result, "rules_kappa") > score(result, "cv_kappa")  # the rules are what was planted
    assert result.confusion is not None and result.calibration is not None
    confusion = np.array(result.confusion["matrix"])
    assert confusion.sum() == 3000 and np.trace(confusion) / 3000 == pytest.approx(
        score(result, "cv_accuracy")
    )
    assert result.calibration["expected_calibration_error"] < 0.1
    classes, probabilities = result.model.probabilities(episodes.codes[:5])
    assert probabilities.shape == (5, len(classes)) and np.allclose(probabilities.sum(axis=1), 1)


def test_the_classifier_needs_allocations():
    episodes = planted_episodes(200, v1_rules())
    bare = Episodes(episodes.codes, episodes.appointments, episodes.suggested)
    with pytest.raises(ValueError, match="allocated groupings"):
        fit("classifier", bare, seed=0)


@pytest.mark.parametrize(
    ("method", "params", "message"),
    [
        ("forest", Params(), "method must be one of"),
        ("tree", Params(folds=1), "folds must be at least 2"),
        ("clusters", Params(k_min=4, k_max=3), "range of k"),
        ("clusters", Params(k=9), "k must lie in the range"),
    ],
)
def test_unusable_parameters_are_refused_with_a_reason(method, params, message):
    with pytest.raises(ValueError, match=message):
        fit(method, planted_episodes(100, v1_rules()), seed=0, params=params)


def test_too_few_episodes_are_refused():
    with pytest.raises(ValueError, match="too few"):
        fit("tree", planted_episodes(6, v1_rules()), seed=0)


@pytest.mark.parametrize(
    ("condition", "words"),
    [
        (Condition("p09", 2, 3), "Depression/low mood (p09) at least Moderate"),
        (Condition("p05", -1, 1), "Panics (p05) at most Mild or Not known"),
        (Condition("p05", -1, 0), "Panics (p05) None or Not known"),
        (Condition("p05", -1, -1), "Panics (p05) Not known"),
        (Condition("p05", 0, 3), "Panics (p05) rated (any answer but Not known)"),
        (Condition("p05", 1, 2), "Panics (p05) Mild to Moderate"),
        (Condition("p05", 0, 1), "Panics (p05) at most Mild"),
        (Condition("c31", 1, 1), "Looked after child (c31) Yes"),
        (Condition("c31", -1, 0), "Looked after child (c31) No or Not known"),
    ],
)
def test_a_path_condition_reads_in_the_forms_words(condition, words):
    assert condition_words(condition) == words
