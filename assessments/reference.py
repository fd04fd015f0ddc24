"""Outcome reference data installed by a migration; editable in the admin afterwards (SPEC §6).

SD1 and r are PROPOSED placeholders until a service enters figures from its own reference sample. The SDQ
cut-offs are the 'abnormal' band thresholds of the SDQ three-band scoring (UNVERIFIED here). Scales without
a row are shown with their scores but without a change classification.

Scores shipped without a row, deliberately (an administrator may add one in the admin):
- SDQ impact: 0-10 (teacher 0-6) in steps that are mostly 0, 1 or 2, and no reference SD1 and r is held
  here, so a reliable change figure would be invented.
- SDQ externalising and internalising: the authors offer them for research in low-risk samples, with no
  caseness cut-off; no reference SD1 and r is held here.
- HoNOSCA total of all 15 scales: section B (scales 14-15) rates the information and access the family had,
  not the young person's problems, so change is judged on the section A total (the row seeded as "total"
  before section B was recorded is moved to "section_a_total" by migration 0016).
"""

from assessments import measures
from assessments.measures import GOALS

SPEC_SCORING_RULES = {
    "label": "SPEC §6 (PROPOSED)",
    "rcads_max_missing_per_subscale": 1,
    "honosca_max_not_known": 3,
}

PLACEHOLDER = "PROPOSED placeholder SD1 and r; replace with your reference sample's figures."
SDQ_BAND = "Cut-off: SDQ three-band 'abnormal' threshold (UNVERIFIED). " + PLACEHOLDER

# measure, scale, informant, sd1, r, cut-off (None = none), higher is worse, source
CHANGE_THRESHOLDS = [
    *[
        ("sdq", scale, informant, sd1, r, cutoff, scale != "prosocial", SDQ_BAND)
        for scale, rows in {
            "total_difficulties": [
                ("parent", 5.8, 0.8, 17),
                ("teacher", 6.1, 0.8, 16),
                ("self", 5.3, 0.8, 20),
            ],
            "emotional": [("parent", 2.4, 0.75, 5), ("teacher", 2.0, 0.75, 6), ("self", 2.3, 0.75, 7)],
            "conduct": [("parent", 1.9, 0.75, 4), ("teacher", 1.7, 0.75, 4), ("self", 1.7, 0.75, 5)],
            "hyperactivity": [("parent", 2.6, 0.8, 7), ("teacher", 2.8, 0.8, 7), ("self", 2.2, 0.8, 7)],
            "peer": [("parent", 1.8, 0.75, 4), ("teacher", 1.8, 0.75, 5), ("self", 1.7, 0.75, 6)],
            "prosocial": [("parent", 1.7, 0.75, 4), ("teacher", 2.2, 0.75, 3), ("self", 1.8, 0.75, 4)],
        }.items()
        for informant, sd1, r, cutoff in rows
    ],
    ("rcads", "total", "self", 20.0, 0.8, None, True, PLACEHOLDER),
    ("rcads", "total_anxiety", "self", 16.0, 0.8, None, True, PLACEHOLDER),
    ("rcads", "depression", "self", 5.5, 0.8, None, True, PLACEHOLDER),
    ("rcads", "total", "parent", 16.0, 0.8, None, True, PLACEHOLDER),
    ("rcads", "total_anxiety", "parent", 13.0, 0.8, None, True, PLACEHOLDER),
    ("rcads", "depression", "parent", 4.5, 0.8, None, True, PLACEHOLDER),
    ("honosca", "section_a_total", "clinician", 6.0, 0.8, None, True, PLACEHOLDER),
    (
        "cgas",
        "cgas",
        "clinician",
        10.0,
        0.8,
        70,
        False,
        "Cut-off: CGAS above 70 is the normal range. " + PLACEHOLDER,
    ),
    *[
        (
            "goals",
            scale,
            informant,
            1.98,
            0.8,
            None,
            False,
            "Gives a reliable change of about 2.45 points.",
        )
        for scale in GOALS.score_columns
        for informant in GOALS.informants
    ],
]


def check_registered(code: str, scale: str, informant: str) -> None:
    """ValueError unless the measure registry has this measure, score and informant."""
    spec = measures.measure(code)
    if scale not in spec.score_columns or informant not in spec.informants:
        raise ValueError(f"{spec.label} has no {scale!r} score from the informant {informant!r}")


def install_outcome_reference(apps) -> None:
    """Add the rows that are missing; never overwrite what an administrator edited."""
    for code, scale, informant, *_ in CHANGE_THRESHOLDS:
        check_registered(code, scale, informant)
    ScoringRules = apps.get_model("assessments", "ScoringRules")
    ChangeThreshold = apps.get_model("assessments", "ChangeThreshold")
    if not ScoringRules.objects.exists():
        ScoringRules.objects.create(is_current=True, **SPEC_SCORING_RULES)
    present = set(ChangeThreshold.objects.values_list("measure", "scale", "informant"))
    for measure, scale, informant, sd1, r, cutoff, higher_is_worse, source in CHANGE_THRESHOLDS:
        if (measure, scale, informant) in present:  # one query when none is missing
            continue
        ChangeThreshold.objects.get_or_create(
            measure=measure,
            scale=scale,
            informant=informant,
            defaults={
                "sd1": sd1,
                "r": r,
                "cutoff": cutoff,
                "higher_is_worse": higher_is_worse,
                "source": source,
            },
        )
