"""How many contacts a demo case has (issue 19 point 6): its Current View and its team drive the mean, so
the algorithm lab finds structure in demo data. Some items weigh more than others; noise on top."""

import numpy as np

from assessments.current_view_items import ALL_ITEMS, COMPLEXITY_ITEMS

BASELINE = 4.0
# (item, at least this code, contacts added): low mood, self-harm and eating weigh most
ITEM_EFFECTS = (
    ("p09", 2, 2.5),
    ("p09", 3, 2.0),
    ("p10", 2, 3.0),
    ("p20", 2, 6.0),
    ("p03", 2, 1.5),
    ("p14", 2, 1.0),
    ("p15", 3, 1.5),
)
PER_COMPLEXITY_FACTOR = 0.8
TEAM_EFFECTS = {"ED": 4.0, "ND": 1.0, "COM": 0.0}  # by the team code's kind (N-ED, S-COM, ...)
PROVIDER_EFFECTS = {"N": 0.0, "S": -0.8}
NOISE_SHAPE = 4.0  # gamma multiplier of mean 1 (coefficient of variation 1/2) before the Poisson draw
_COMPLEXITY = [ALL_ITEMS.index(item) for item in COMPLEXITY_ITEMS]


def expected_contacts(codes: np.ndarray, team_codes: list[str]) -> np.ndarray:
    """Mean contacts per case from its Current View (rows x 50 codes) and its team's code."""
    mean = np.full(len(codes), BASELINE)
    for item, at_least, added in ITEM_EFFECTS:
        mean += added * (codes[:, ALL_ITEMS.index(item)] >= at_least)
    mean += PER_COMPLEXITY_FACTOR * (codes[:, _COMPLEXITY] == 1).sum(axis=1)
    places_and_kinds = [code.partition("-")[::2] for code in team_codes]
    return mean + np.array([PROVIDER_EFFECTS[place] + TEAM_EFFECTS[kind] for place, kind in places_and_kinds])


def contact_counts(mean: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Contacts per case: Poisson around the mean times gamma noise (between-case spread beyond Poisson)."""
    return rng.poisson(mean * rng.gamma(NOISE_SHAPE, 1 / NOISE_SHAPE, size=len(mean)))
