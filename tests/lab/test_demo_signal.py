"""Demo data carries signal (issue 19 point 6): appointments depend on the Current View, so the lab's tree
explains more than chance, and a deliberately shuffled outcome explains nothing."""

import datetime as dt

import numpy as np
import pytest

from accounts.models import User
from demo.seed import seed
from groupings.selectors import current_rules_version
from lab.methods import Episodes, Params, fit
from lab.selectors import closed_episodes
from tests.lab.helpers import score

AS_OF = dt.date(2026, 10, 31)


@pytest.fixture
def demo_episodes(db) -> Episodes:
    seed(cases=2500, seed=11, as_of=AS_OF)  # seed_demo's records, without its demo report runs
    return closed_episodes(
        User.objects.get(username="service.manager"),
        closed_from=AS_OF - dt.timedelta(days=730),
        closed_to=AS_OF,
        rules=current_rules_version().ruleset(),
    )


def test_the_tree_finds_structure_in_demo_data_and_none_in_a_shuffled_outcome(demo_episodes):
    assert demo_episodes.n > 400
    params = Params(min_leaf=25)
    found = fit("tree", demo_episodes, seed=0, params=params)
    order = np.random.default_rng(0).permutation(demo_episodes.n)
    shuffled = Episodes(
        codes=demo_episodes.codes,
        appointments=demo_episodes.appointments[order],
        suggested=demo_episodes.suggested,
    )
    chance = fit("tree", shuffled, seed=0, params=params)
    assert score(found, "cv_r2") > 0.08 and score(found, "cv_r2") > score(chance, "cv_r2") + 0.1
    assert score(chance, "cv_r2") <= 0.02
    split_items = {node["item"] for node in found.tree if "item" in node}
    assert split_items & {"p09", "p10", "p20"}  # the items the demo weighs most
    assert found.comparison[0].cost_r2 is not None  # cost read as the cost report costs contacts
