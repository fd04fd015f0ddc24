import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.change import (
    Change,
    ChangeCategory,
    ChangeParameters,
    classify_change,
    classify_change_frame,
    reliable_change_threshold,
)

IMPROVED = ChangeCategory("reliably improved")
NO_CHANGE = ChangeCategory("no reliable change")
DETERIORATED = ChangeCategory("reliably deteriorated")

# Illustrative parameters only: the real SD1, r and cut-offs live in reference data (SPEC §6).
DIFFICULTIES = ChangeParameters(sd1=5.0, r=0.8, cutoff=17, higher_is_worse=True)  # threshold 6.198
FUNCTIONING = ChangeParameters(sd1=10.0, r=0.5, cutoff=50, higher_is_worse=False)  # threshold 19.6
ROUND_THRESHOLD = ChangeParameters(sd1=25.0, r=0.5, cutoff=70, higher_is_worse=True)  # threshold 49.0


def test_the_threshold_is_1_96_sd1_root_two_one_minus_r():
    assert reliable_change_threshold(5.0, 0.8) == pytest.approx(1.96 * 5.0 * math.sqrt(0.4))
    assert reliable_change_threshold(5.0, 0.8) == pytest.approx(6.198, abs=0.001)
    assert reliable_change_threshold(1.0, 0.5) == pytest.approx(1.96)


def test_a_perfectly_reliable_measure_counts_any_change_as_reliable():
    assert reliable_change_threshold(5.0, 1.0) == 0.0
    assert classify_change(10, 9.5, ChangeParameters(5.0, 1.0, 17, True)).category == IMPROVED


@pytest.mark.parametrize(
    ("sd1", "r"), [(-1.0, 0.8), (5.0, 1.2), (5.0, -0.1), (math.inf, 0.8), (math.nan, 0.5)]
)
def test_an_impossible_sd1_or_r_is_refused(sd1, r):
    with pytest.raises(ValueError):
        reliable_change_threshold(sd1, r)
    with pytest.raises(ValueError):
        ChangeParameters(sd1=sd1, r=r, cutoff=17, higher_is_worse=True)


def test_a_fall_beyond_the_threshold_from_above_to_below_the_cut_off_is_recovery():
    assert classify_change(20, 12, DIFFICULTIES) == Change(ChangeCategory.RELIABLY_IMPROVED, recovered=True)


def test_a_reliable_fall_that_stays_above_the_cut_off_is_improvement_without_recovery():
    assert classify_change(30, 20, DIFFICULTIES) == Change(IMPROVED, recovered=False)


def test_a_reliable_fall_that_starts_below_the_cut_off_is_not_recovery():
    assert classify_change(15, 5, DIFFICULTIES) == Change(IMPROVED, recovered=False)


def test_crossing_the_cut_off_by_less_than_the_threshold_is_no_reliable_change():
    assert classify_change(19, 14, DIFFICULTIES) == Change(NO_CHANGE, recovered=False)


def test_a_rise_beyond_the_threshold_is_reliable_deterioration_when_higher_is_worse():
    assert classify_change(10, 17, DIFFICULTIES) == Change(DETERIORATED, recovered=False)


def test_a_score_at_the_cut_off_counts_as_clinical():
    assert classify_change(17, 10, DIFFICULTIES).recovered is True
    assert classify_change(24, 17, DIFFICULTIES) == Change(IMPROVED, recovered=False)


def test_a_change_exactly_at_the_threshold_is_not_reliable():
    assert ROUND_THRESHOLD.threshold == 49.0
    assert classify_change(100, 51, ROUND_THRESHOLD).category == NO_CHANGE
    assert classify_change(100, 50, ROUND_THRESHOLD) == Change(IMPROVED, recovered=True)
    assert classify_change(51, 100, ROUND_THRESHOLD).category == NO_CHANGE
    assert classify_change(50, 100, ROUND_THRESHOLD).category == DETERIORATED


def test_a_rise_beyond_the_threshold_from_below_to_above_the_cut_off_is_recovery_when_higher_is_better():
    assert classify_change(45, 70, FUNCTIONING) == Change(IMPROVED, recovered=True)


def test_a_rise_to_exactly_the_cut_off_is_not_recovery_when_higher_is_better():
    assert classify_change(30, 50, FUNCTIONING) == Change(IMPROVED, recovered=False)


def test_a_fall_beyond_the_threshold_is_reliable_deterioration_when_higher_is_better():
    assert classify_change(70, 45, FUNCTIONING) == Change(DETERIORATED, recovered=False)


def test_a_missing_score_cannot_be_classified():
    with pytest.raises(ValueError, match="must both be present"):
        classify_change(math.nan, 10, DIFFICULTIES)


def parameters_frame(rows, params):
    return pd.DataFrame(
        {
            "first": [first for first, _ in rows],
            "last": [last for _, last in rows],
            "sd1": params.sd1,
            "r": params.r,
            "cutoff": params.cutoff,
            "higher_is_worse": params.higher_is_worse,
        }
    )


def test_the_frame_version_classifies_each_row_and_keeps_the_input_columns():
    frame = parameters_frame([(20, 12), (30, 20), (19, 14), (10, 17)], DIFFICULTIES)

    result = classify_change_frame(frame)

    assert list(result.columns) == [*frame.columns, "threshold", "change", "recovered"]
    assert list(result["change"]) == [IMPROVED, IMPROVED, NO_CHANGE, DETERIORATED]
    assert list(result["recovered"]) == [True, False, False, False]
    assert result["threshold"].tolist() == pytest.approx([6.198] * 4, abs=0.001)
    assert "change" not in frame


def test_the_frame_version_counts_a_score_at_the_cut_off_as_clinical():
    worse = classify_change_frame(parameters_frame([(17, 10), (24, 17)], DIFFICULTIES))
    better = classify_change_frame(parameters_frame([(50, 70), (30, 50)], FUNCTIONING))

    assert list(worse["recovered"]) == [True, False]
    assert list(better["recovered"]) == [True, False]


def test_the_frame_version_leaves_change_missing_where_a_score_is_missing():
    frame = parameters_frame([(20, None), (None, 12), (20, 12)], DIFFICULTIES)

    result = classify_change_frame(frame)

    assert result["change"].isna().tolist() == [True, True, False]
    assert result["recovered"].isna().tolist() == [True, True, False]


def test_the_frame_version_needs_every_parameter_column():
    frame = parameters_frame([(20, 12)], DIFFICULTIES).drop(columns=["cutoff"])

    with pytest.raises(ValueError, match="lacks columns: cutoff"):
        classify_change_frame(frame)


def test_the_frame_version_refuses_an_impossible_r():
    frame = parameters_frame([(20, 12)], DIFFICULTIES).assign(r=1.5)

    with pytest.raises(ValueError, match="r between 0 and 1"):
        classify_change_frame(frame)


scores = st.integers(min_value=0, max_value=141).map(float) | st.floats(min_value=0, max_value=141)
parameters = st.builds(
    ChangeParameters,
    sd1=st.floats(min_value=0, max_value=30),
    r=st.floats(min_value=0, max_value=1),
    cutoff=st.integers(min_value=0, max_value=141).map(float),
    higher_is_worse=st.booleans(),
)


@given(st.lists(st.tuples(scores, scores, parameters), min_size=1, max_size=20))
def test_the_frame_version_agrees_with_classifying_one_pair_at_a_time(rows):
    frame = pd.DataFrame(
        [
            {
                "first": first,
                "last": last,
                "sd1": params.sd1,
                "r": params.r,
                "cutoff": params.cutoff,
                "higher_is_worse": params.higher_is_worse,
            }
            for first, last, params in rows
        ]
    )

    result = classify_change_frame(frame)

    expected = [classify_change(first, last, params) for first, last, params in rows]
    assert list(result["change"]) == [change.category for change in expected]
    assert list(result["recovered"]) == [change.recovered for change in expected]


@given(scores, scores, parameters)
def test_swapping_first_and_last_swaps_improvement_and_deterioration(first, last, params):
    forward = classify_change(first, last, params).category
    backward = classify_change(last, first, params).category

    swapped = {IMPROVED: DETERIORATED, DETERIORATED: IMPROVED, NO_CHANGE: NO_CHANGE}
    assert backward == swapped[forward]


@given(scores, scores, parameters)
def test_recovery_always_means_reliable_improvement(first, last, params):
    change = classify_change(first, last, params)

    assert not change.recovered or change.category == IMPROVED


def test_a_scale_without_a_cut_off_classifies_change_but_not_recovery():
    from assessments.change import ChangeParameters, classify_change, is_clinical

    params = ChangeParameters(sd1=1.98, r=0.8, cutoff=None, higher_is_worse=False)
    change = classify_change(2, 7, params)
    assert str(change.category) == "reliably improved" and change.recovered is None
    with pytest.raises(ValueError, match="no caseness cut-off"):
        is_clinical(5, params)


def test_a_frame_row_without_a_cutoff_is_classified_but_recovery_does_not_apply():
    import pandas as pd

    from assessments.change import classify_change_frame

    frame = pd.DataFrame(
        {
            "first": [30.0],
            "last": [10.0],
            "sd1": [5.0],
            "r": [0.8],
            "cutoff": [None],
            "higher_is_worse": [True],
        }
    )
    result = classify_change_frame(frame)
    assert result["change"][0] == "reliably improved"
    assert pd.isna(result["recovered"][0])
