"""Synthetic episodes with a planted structure, for the lab's tests and benchmark (no database).

Appointments depend on two items only: Depression/low mood (p09) and Anxious generally (p03) at least
Moderate add expected appointments (Poisson noise); cost is appointments x a contact cost plus noise; the
planted clinicians follow the rules' suggestion for most episodes and choose another grouping otherwise.
"""

import numpy as np

from assessments.current_view_items import ALL_ITEMS, ITEMS_BY_ID
from groupings.rules import RuleSet
from lab.episodes import suggested_groupings
from lab.methods import Episodes

P09, P03 = ALL_ITEMS.index("p09"), ALL_ITEMS.index("p03")
_SEVERITY = ([-1, 0, 1, 2, 3], [0.03, 0.7, 0.15, 0.08, 0.04])
_PRESENCE = ([-1, 0, 1], [0.05, 0.85, 0.10])
_IS_SEVERITY = np.array([ITEMS_BY_ID[item].response_scale == "severity" for item in ALL_ITEMS])


def synthetic_codes(n: int, rng: np.random.Generator) -> np.ndarray:
    """n x 50 int8 codes, -1 = Not known, mostly None or No."""
    severity = rng.choice(_SEVERITY[0], size=(n, len(ALL_ITEMS)), p=_SEVERITY[1])
    presence = rng.choice(_PRESENCE[0], size=(n, len(ALL_ITEMS)), p=_PRESENCE[1])
    return np.where(_IS_SEVERITY, severity, presence).astype(np.int8)


def planted_appointments(codes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Poisson appointments whose mean is 2, plus 4 for p09 at least Moderate (6 when Severe), plus 3 for
    p03 at least Moderate."""
    mean = 2.0 + 4.0 * (codes[:, P09] >= 2) + 2.0 * (codes[:, P09] == 3) + 3.0 * (codes[:, P03] >= 2)
    return rng.poisson(mean).astype(float)


def planted_episodes(
    n: int, rules: RuleSet, *, seed: int = 0, follow_rules: float = 0.85, shuffled: bool = False
) -> Episodes:
    """n episodes with the planted structure; `shuffled` permutes appointments and cost across episodes,
    leaving nothing for the items to explain."""
    rng = np.random.default_rng(seed)
    codes = synthetic_codes(n, rng)
    appointments = planted_appointments(codes, rng)
    cost = appointments * 160.0 + rng.normal(0, 40, n).clip(-100, 100) + 100
    suggested = suggested_groupings(codes, rules)
    choices = np.unique(suggested)
    allocated = np.where(rng.random(n) < follow_rules, suggested, rng.choice(choices, size=n)).astype(object)
    if shuffled:
        order = rng.permutation(n)
        appointments, cost = appointments[order], cost[order]
    return Episodes(
        codes=codes, appointments=appointments, suggested=suggested, cost=cost, allocated=allocated
    )
