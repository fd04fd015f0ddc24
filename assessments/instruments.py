"""What each published questionnaire holds: items, response words and scales (SPEC §6, VERIFIED facts).

Scoring reads these; the measure registry (`assessments.measures`) adds how this system records and shows
each measure.
"""

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Scale:
    """A named set of items summed into one score; reversed items score (highest code - code)."""

    name: str
    items: tuple[int, ...]
    reversed_items: frozenset[int] = frozenset()


# SDQ: 25 items, each "Not true" / "Somewhat true" / "Certainly true" stored as the word's position 0-2.
SDQ_ITEMS = tuple(range(1, 26))
SDQ_RESPONSES = ("Not true", "Somewhat true", "Certainly true")
SDQ_MIN_ANSWERED_PER_SCALE = 3
SDQ_SCALES = (
    Scale("emotional", (3, 8, 13, 16, 24)),
    Scale("conduct", (5, 7, 12, 18, 22), frozenset({7})),
    Scale("hyperactivity", (2, 10, 15, 21, 25), frozenset({21, 25})),
    Scale("peer", (6, 11, 14, 19, 23), frozenset({11, 14})),
    Scale("prosocial", (1, 4, 9, 17, 20)),
)
SDQ_PROBLEM_SCALES = ("emotional", "conduct", "hyperactivity", "peer")

SDQ_EXTERNALISING_SCALES = ("conduct", "hyperactivity")
SDQ_INTERNALISING_SCALES = ("emotional", "peer")

# SDQ impact supplement. It opens with the overall-difficulties question (No / Yes: minor, definite or severe
# difficulties, stored as 0-3); the impact areas' words are stored as their position 0-3 and scored 0, 0, 1, 2.
SDQ_OVERALL = "overall_difficulties"
SDQ_OVERALL_RESPONSES = (
    "No",
    "Yes: minor difficulties",
    "Yes: definite difficulties",
    "Yes: severe difficulties",
)
SDQ_OVERALL_NO = 0
SDQ_IMPACT_RESPONSES = ("Not at all", "Only a little", "Quite a lot", "A great deal")
SDQ_IMPACT_RESPONSE_SCORES = (0, 0, 1, 2)
_HOME_AND_SCHOOL_AREAS = ("distress", "home_life", "friendships", "classroom_learning", "leisure_activities")
SDQ_IMPACT_ITEMS = MappingProxyType(
    {
        "parent": _HOME_AND_SCHOOL_AREAS,
        "teacher": ("distress", "peer_relationships", "classroom_learning"),
        "self": _HOME_AND_SCHOOL_AREAS,
    }
)
# Every answer of the supplement, in the order a batch file's columns are read.
SDQ_SUPPLEMENT_KEYS = (SDQ_OVERALL, *_HOME_AND_SCHOOL_AREAS, "peer_relationships")

# RCADS: 47 items, each "Never" / "Sometimes" / "Often" / "Always" stored as 0-3.
RCADS_ITEMS = tuple(range(1, 48))
RCADS_RESPONSES = ("Never", "Sometimes", "Often", "Always")
RCADS_SUBSCALES = (
    Scale("separation", (5, 9, 17, 18, 33, 45, 46)),
    Scale("social", (4, 7, 8, 12, 20, 30, 32, 38, 43)),
    Scale("gad", (1, 13, 22, 27, 35, 37)),
    Scale("panic", (3, 14, 24, 26, 28, 34, 36, 39, 41)),
    Scale("ocd", (10, 16, 23, 31, 42, 44)),
    Scale("depression", (2, 6, 11, 15, 19, 21, 25, 29, 40, 47)),
)
RCADS_ANXIETY_SUBSCALES = ("separation", "social", "gad", "panic", "ocd")

# HoNOSCA: section A scales 1-13 (the young person's problems) and section B scales 14-15 (lack of information,
# lack of access to services), each rated 0-4; a scale may also be not known (9 on the paper form).
HONOSCA_SCALES = tuple(range(1, 16))
HONOSCA_SECTION_A = tuple(range(1, 14))
HONOSCA_SECTION_B = (14, 15)
HONOSCA_MAX_RATING = 4
