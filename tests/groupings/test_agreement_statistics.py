"""The agreement statistics shared by the audit pages, the vignettes and the rater_agreement command, checked
against hand-worked tables and against statsmodels and scikit-learn on generated data."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

from groupings.agreement import (
    bootstrap_fleiss,
    bootstrap_kappa,
    confusion,
    fleiss_kappa,
    kappa_of_table,
    percent_agreement_of,
    weighted_kappa,
)


def test_hand_worked_two_by_two_table():
    # 20 yes/yes, 15 no/no, 5 yes/no, 10 no/yes: observed 35/50 = 0.7; the first rater says yes 25/50, the
    # second 30/50: chance 0.5 x 0.6 + 0.5 x 0.4 = 0.5; kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4
    table = np.array([[20, 5], [10, 15]])
    assert percent_agreement_of(table) == pytest.approx(70.0)
    assert kappa_of_table(table) == pytest.approx(0.4)


def test_hand_worked_three_by_three_table():
    # n = 100, diagonal 25 + 20 + 20 = 65: observed 0.65. Row totals 40, 30, 30; column totals 35, 35, 30:
    # chance (40x35 + 30x35 + 30x30) / 100^2 = 0.335; kappa = (0.65 - 0.335) / 0.665 = 0.47368...
    table = np.array([[25, 10, 5], [5, 20, 5], [5, 5, 20]])
    assert percent_agreement_of(table) == pytest.approx(65.0)
    assert kappa_of_table(table) == pytest.approx(0.315 / 0.665)


def test_perfect_agreement_has_kappa_one():
    matrix = confusion(["GA01", "GH03", "GM01", "GH03"], ["GA01", "GH03", "GM01", "GH03"])
    assert percent_agreement_of(matrix.table) == 100.0
    assert kappa_of_table(matrix.table) == pytest.approx(1.0)


def test_agreement_no_better_than_chance_has_kappa_zero():
    # each rater says A half the time, independently: every cell a quarter
    assert kappa_of_table(np.array([[25, 25], [25, 25]])) == pytest.approx(0.0)


def test_a_rater_who_never_varies_has_kappa_zero_against_one_who_does():
    # The first always says GA01; when the second also does they agree, but only as often as chance gives.
    matrix = confusion(["GA01"] * 4, ["GA01", "GA01", "GH03", "GM01"])
    assert percent_agreement_of(matrix.table) == 50.0
    assert kappa_of_table(matrix.table) == pytest.approx(0.0)


def test_two_raters_who_never_vary_and_agree_have_no_kappa():
    # chance agreement is certain: kappa is 0/0, shown as "cannot be worked out", not as 1 or 0
    assert kappa_of_table(confusion(["GA01"] * 5, ["GA01"] * 5).table) is None
    assert fleiss_kappa(np.array([[3, 0], [3, 0]])) is None


def test_the_add_on_pair_is_its_own_category():
    matrix = confusion(["GH03 + GA02", "GH03"], ["GH03", "GH03"])
    assert matrix.categories == ("GH03", "GH03 + GA02") and matrix.agreed == 1


def test_weighted_kappa_drops_a_pair_with_not_known_on_either_side():
    kappa, n = weighted_kappa(np.array([0, 1, 2, 3, -1]), np.array([0, 1, 2, 3, 2]), 4)
    assert n == 4 and kappa == pytest.approx(1.0)
    assert weighted_kappa(np.array([-1, -1]), np.array([1, 2]), 4) == (None, 0)


def test_weighted_kappa_counts_a_near_miss_less_than_a_far_one():
    near, _ = weighted_kappa(np.array([0, 1, 2, 3]), np.array([0, 1, 3, 3]), 4)
    far, _ = weighted_kappa(np.array([0, 1, 2, 3]), np.array([3, 1, 2, 3]), 4)
    assert near is not None and far is not None and near > far


def test_fleiss_of_a_hand_worked_table():
    # 3 subjects, 3 raters, 2 categories: rows (3,0), (0,3), (2,1). Agreement per subject 1, 1, 1/3:
    # mean 7/9. Shares 5/9 and 4/9: chance 41/81. kappa = (7/9 - 41/81) / (40/81) = 22/40 = 0.55
    assert fleiss_kappa(np.array([[3, 0], [0, 3], [2, 1]])) == pytest.approx(0.55)


ratings = st.integers(min_value=2, max_value=60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 3), min_size=n, max_size=n),
        st.lists(st.integers(0, 3), min_size=n, max_size=n),
    )
)


@settings(max_examples=150, deadline=None)
@given(ratings)
def test_cohen_kappa_matches_scikit_learn(pair):
    first, second = pair
    ours = kappa_of_table(confusion(first, second).table)
    theirs = cohen_kappa_score(first, second)
    if ours is None:
        assert np.isnan(theirs) or len(set(first) | set(second)) == 1
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(ratings)
def test_quadratic_weighted_kappa_matches_scikit_learn(pair):
    first, second = pair
    ours, n = weighted_kappa(np.array(first), np.array(second), 4)
    with np.errstate(invalid="ignore", divide="ignore"):
        theirs = cohen_kappa_score(first, second, labels=[0, 1, 2, 3], weights="quadratic")
    assert n == len(first)
    if ours is None:
        assert np.isnan(theirs)
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 6).flatmap(
        lambda raters: st.lists(
            st.lists(st.integers(0, 3), min_size=raters, max_size=raters), min_size=1, max_size=40
        )
    )
)
def test_fleiss_kappa_matches_statsmodels(subjects):
    counts = np.array([np.bincount(row, minlength=4) for row in subjects])
    ours = fleiss_kappa(counts)
    with np.errstate(invalid="ignore", divide="ignore"):
        theirs = statsmodels_fleiss(counts)
    if ours is None:
        assert np.isnan(theirs) or theirs == pytest.approx(1.0) or not np.isfinite(theirs)
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


def test_bootstrap_interval_is_seeded_and_holds_the_estimate():
    rng = np.random.default_rng(1)
    first = rng.integers(0, 4, 400)
    second = np.where(rng.random(400) < 0.7, first, rng.integers(0, 4, 400))
    table = confusion(first.tolist(), second.tolist()).table
    interval = bootstrap_kappa(table, resamples=500, seed=7)
    assert interval == bootstrap_kappa(table, resamples=500, seed=7)
    assert interval != bootstrap_kappa(table, resamples=500, seed=8)
    assert interval is not None and interval[0] < kappa_of_table(table) < interval[1]  # type: ignore[operator]


def test_fleiss_bootstrap_is_seeded_and_holds_the_estimate():
    rng = np.random.default_rng(2)
    truth = rng.integers(0, 3, 300)
    subjects = [[t if rng.random() < 0.8 else rng.integers(0, 3) for _ in range(3)] for t in truth]
    counts = np.array([np.bincount(row, minlength=3) for row in subjects])
    interval = bootstrap_fleiss(counts, resamples=300, seed=3)
    assert interval == bootstrap_fleiss(counts, resamples=300, seed=3)
    assert interval is not None and interval[0] < fleiss_kappa(counts) < interval[1]  # type: ignore[operator]


def test_no_pairs_give_no_figures():
    assert percent_agreement_of(np.zeros((0, 0))) is None
    assert kappa_of_table(np.zeros((2, 2))) is None
    assert bootstrap_kappa(np.zeros((2, 2))) is None
