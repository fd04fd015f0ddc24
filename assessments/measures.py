"""Outcome measure definitions: items, response options and scales (SPEC §6, VERIFIED facts)."""

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Scale:
    """A named set of items summed into one score; reversed items score (highest code - code)."""

    name: str
    items: tuple[int, ...]
    reversed_items: frozenset[int] = frozenset()


# SDQ: 25 items, each "Not true" / "Somewhat true" / "Certainly true" stored as the option's position 0-2.
SDQ_ITEMS = tuple(range(1, 26))
SDQ_RESPONSES = ("Not true", "Somewhat true", "Certainly true")
SDQ_MAX_CODE = 2
SDQ_SCALE_LENGTH = 5
SDQ_MIN_ANSWERED_PER_SCALE = 3
SDQ_SCALES = (
    Scale("emotional", (3, 8, 13, 16, 24)),
    Scale("conduct", (5, 7, 12, 18, 22), frozenset({7})),
    Scale("hyperactivity", (2, 10, 15, 21, 25), frozenset({21, 25})),
    Scale("peer", (6, 11, 14, 19, 23), frozenset({11, 14})),
    Scale("prosocial", (1, 4, 9, 17, 20)),
)
SDQ_PROBLEM_SCALES = ("emotional", "conduct", "hyperactivity", "peer")

# SDQ impact supplement: options stored as their position 0-3 and scored 0, 0, 1, 2.
SDQ_IMPACT_RESPONSES = ("Not at all", "Only a little", "Quite a lot", "A great deal")
SDQ_IMPACT_RESPONSE_SCORES = (0, 0, 1, 2)
SDQ_INFORMANTS = ("parent", "teacher", "self")
_HOME_AND_SCHOOL_AREAS = ("distress", "home_life", "friendships", "classroom_learning", "leisure_activities")
SDQ_IMPACT_ITEMS = MappingProxyType(
    {
        "parent": _HOME_AND_SCHOOL_AREAS,
        "self": _HOME_AND_SCHOOL_AREAS,
        "teacher": ("distress", "peer_relationships", "classroom_learning"),
    }
)

# RCADS: 47 items, each "Never" / "Sometimes" / "Often" / "Always" stored as 0-3.
RCADS_ITEMS = tuple(range(1, 48))
RCADS_RESPONSES = ("Never", "Sometimes", "Often", "Always")
RCADS_MAX_CODE = 3
RCADS_SUBSCALES = (
    Scale("separation", (5, 9, 17, 18, 33, 45, 46)),
    Scale("social", (4, 7, 8, 12, 20, 30, 32, 38, 43)),
    Scale("gad", (1, 13, 22, 27, 35, 37)),
    Scale("panic", (3, 14, 24, 26, 28, 34, 36, 39, 41)),
    Scale("ocd", (10, 16, 23, 31, 42, 44)),
    Scale("depression", (2, 6, 11, 15, 19, 21, 25, 29, 40, 47)),
)
RCADS_ANXIETY_SUBSCALES = ("separation", "social", "gad", "panic", "ocd")

# HoNOSCA: scales 1-13 rated 0-4; 9 means not known.
HONOSCA_SCALES = tuple(range(1, 14))
HONOSCA_MAX_RATING = 4
HONOSCA_NOT_KNOWN = 9

CGAS_MIN = 1
CGAS_MAX = 100

GOALS_MAX_COUNT = 3
GOAL_RATING_MIN = 0
GOAL_RATING_MAX = 10

# Scale names of each measure as stored with a response, in display order, and their score ranges.
SCALES_OF = MappingProxyType(
    {
        "sdq": ("emotional", "conduct", "hyperactivity", "peer", "prosocial", "total_difficulties", "impact"),
        "rcads": ("separation", "social", "gad", "panic", "ocd", "depression", "total_anxiety", "total"),
        "honosca": ("total",),
        "cgas": ("cgas",),
        "goals": ("goal_1", "goal_2", "goal_3"),
    }
)
SCALE_RANGES = MappingProxyType(
    {
        ("sdq", "total_difficulties"): (0, 40),
        ("rcads", "total"): (0, 141),
        ("honosca", "total"): (0, 52),
        ("cgas", "cgas"): (CGAS_MIN, CGAS_MAX),
        ("goals", "goal_1"): (0, 10),
    }
)

# Who completes each measure on this system.
INFORMANTS_OF = MappingProxyType(
    {
        "sdq": ("parent", "teacher", "self"),
        "rcads": ("self", "parent"),
        "honosca": ("clinician",),
        "cgas": ("clinician",),
        "goals": ("self", "parent"),
    }
)

SCALE_LABELS = MappingProxyType(
    {
        "total_difficulties": "Total difficulties",
        "total_anxiety": "Total anxiety",
        "gad": "GAD",
        "ocd": "OCD",
        "cgas": "CGAS",
        "goal_1": "Goal 1",
        "goal_2": "Goal 2",
        "goal_3": "Goal 3",
    }
)


def scale_label(scale: str) -> str:
    return SCALE_LABELS.get(scale, scale.replace("_", " ").capitalize())
