"""An audit's sample: seeded, without replacement, stratified in proportion to each team and grouping."""

from collections import Counter

from consistency.sampling import quotas, sample


def test_the_same_seed_samples_the_same_allocations_whatever_their_order():
    ids = list(range(100, 200))
    assert sample(ids, 10, seed=4) == sample(list(reversed(ids)), 10, seed=4)
    assert sample(ids, 10, seed=4) != sample(ids, 10, seed=5)
    assert len(set(sample(ids, 10, seed=4))) == 10


def test_asking_for_more_than_there_are_samples_them_all():
    assert sample([3, 1, 2], 10, seed=0) == [1, 2, 3]


def test_stratified_sample_gives_each_team_and_grouping_its_share():
    ids = list(range(100))
    strata = [("A", "GH03")] * 60 + [("A", "GA01")] * 30 + [("B", "GH03")] * 10
    chosen = sample(ids, 10, seed=1, strata=strata)
    by_stratum = Counter(strata[i] for i in chosen)
    assert by_stratum == {("A", "GH03"): 6, ("A", "GA01"): 3, ("B", "GH03"): 1}


def test_quotas_add_up_to_the_size_with_the_largest_remainders_rounded_up():
    assert quotas({"a": 5, "b": 3, "c": 2}, 5) == {"a": 3, "b": 1, "c": 1}
    assert sum(quotas({"a": 7, "b": 7, "c": 7}, 10).values()) == 10
