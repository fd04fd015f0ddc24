"""The "CAMHS-NBG v1" rules version as shipped: catalogue rows (SPEC groupings_v1.csv) and rules parameters (SPEC §3).

Installed by a data migration and editable in the admin afterwards; a later version is a new rules version row.
"""

from groupings.rules import DEMO_V2_DEFINITION, V1_DEFINITION

V1_LABEL = "CAMHS-NBG v1"

# code, super-group, name, review months, expected appointments (names UNVERIFIED, numbers PROPOSED)
V1_GROUPINGS = [
    ("GA01", "Getting Advice", "Getting Advice: Signposting and self-management advice", 3, 2),
    ("GA02", "Getting Advice", "Getting Advice: Neurodevelopmental assessment", 3, 5),
    ("GH01", "Getting Help", "Getting Help: ADHD", 6, 8),
    ("GH02", "Getting Help", "Getting Help: Behavioural and/or conduct disorders", 6, 8),
    ("GH03", "Getting Help", "Getting Help: Depression", 6, 10),
    ("GH04", "Getting Help", "Getting Help: GAD and/or panic disorder", 6, 10),
    ("GH05", "Getting Help", "Getting Help: OCD", 6, 10),
    ("GH06", "Getting Help", "Getting Help: PTSD", 6, 10),
    ("GH07", "Getting Help", "Getting Help: Self-harm", 6, 10),
    ("GH08", "Getting Help", "Getting Help: Social anxiety disorder", 6, 10),
    ("GH09", "Getting Help", "Getting Help: Co-occurring emotional problems", 6, 12),
    ("GH10", "Getting Help", "Getting Help: Co-occurring behavioural and emotional difficulties", 6, 12),
    ("GH11", "Getting Help", "Getting Help: Difficulties not covered by other groupings", 6, 6),
    ("GMH01", "Getting More Help", "Getting More Help: Eating disorders", 3, 25),
    ("GMH02", "Getting More Help", "Getting More Help: Psychosis", 3, 30),
    ("GMH03", "Getting More Help", "Getting More Help: Bipolar disorder", 6, 20),
    ("GMH04", "Getting More Help", "Getting More Help: Difficulties of severe impact", 6, 24),
]


def install_v1(apps) -> None:
    """Create the v1 rules version and its groupings where missing; never overwrite an administrator's edits."""
    RulesVersion = apps.get_model("groupings", "RulesVersion")
    Grouping = apps.get_model("groupings", "Grouping")
    rules_version, _ = RulesVersion.objects.get_or_create(
        label=V1_LABEL,
        defaults={
            "rules_definition": V1_DEFINITION,
            # A callable: asked only when v1 is created (one query, the get, when it is there).
            "is_current": lambda: not RulesVersion.objects.filter(is_current=True).exists(),
            "description": "Needs-based groupings of the CAMHS Payment System Project; rules of SPEC §3.",
        },
    )
    _add_groupings(Grouping, rules_version, V1_GROUPINGS)


def _add_groupings(Grouping, rules_version, rows, never_suggested: frozenset[str] = frozenset()) -> None:
    """The catalogue rows of a rules version, where missing. Only a Grouping model that has `suggestible`
    (migration 0007 on) is given it: v1's data migration runs on the model as it was before."""
    present = set(Grouping.objects.filter(rules_version=rules_version).values_list("code", flat=True))
    for code, super_group, name, review_months, expected in rows:
        if code in present:  # one query when none is missing (tests re-install before each test)
            continue
        defaults = {
            "super_group": super_group,
            "name": name,
            "review_months": review_months,
            "expected_appointments": expected,
        }
        if never_suggested:
            defaults["suggestible"] = code not in never_suggested
        Grouping.objects.get_or_create(rules_version=rules_version, code=code, defaults=defaults)


# A DEMO of the published algorithm's structure (SPEC section 3), never current by itself: v1's catalogue plus
# the grouping the published algorithm never suggests. Its code is ours (groupings_v1.csv does not list it).
DEMO_V2_LABEL = "CAMHS-NBG v2 (demo of the published structure)"
NEVER_SUGGESTED = (
    "GMH99",
    "Getting More Help",
    "Getting More Help: Possible emerging personality disorder",
    6,
    20,
)


def install_demo_v2(apps) -> None:
    """Create the demo v2 rules version and its groupings where missing (not current); never overwrite edits."""
    RulesVersion = apps.get_model("groupings", "RulesVersion")
    Grouping = apps.get_model("groupings", "Grouping")
    rules_version, _ = RulesVersion.objects.get_or_create(
        label=DEMO_V2_LABEL,
        defaults={
            "rules_definition": DEMO_V2_DEFINITION,
            "is_current": False,
            "description": (
                "DEMO, not the published algorithm (whose table could not be read): v1 plus one use of each "
                "construct the published algorithm needs. R03 eating disorders from age 8 (p20 joins R11); "
                "R04A OCD when p04 is high and self-harm (p10) is rated lower; add-on A01 neurodevelopmental "
                "assessment beside the primary grouping; GMH99 possible emerging personality disorder, never "
                "suggested."
            ),
        },
    )
    _add_groupings(
        Grouping,
        rules_version,
        [*V1_GROUPINGS, NEVER_SUGGESTED],
        never_suggested=frozenset({NEVER_SUGGESTED[0]}),
    )
