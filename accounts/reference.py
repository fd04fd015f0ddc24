"""Reference data installed by migrations (and re-installed by tests after a transactional flush)."""

PROFESSIONS = [
    ("psychiatrist", "Psychiatrist"),
    ("clin_psych", "Clinical psychologist"),
    ("mh_nurse", "Mental health nurse"),
    ("family_therapist", "Family therapist"),
    ("psychotherapist", "Child and adolescent psychotherapist"),
    ("occ_therapist", "Occupational therapist"),
    ("social_worker", "Social worker"),
    ("cwp", "Children's wellbeing practitioner"),
    ("assistant_psych", "Assistant psychologist"),
]


def install_professions(apps) -> None:
    """Add the professions that are missing; never overwrite what an administrator edited."""
    Profession = apps.get_model("accounts", "Profession")
    present = set(
        Profession.objects.filter(code__in=[code for code, _ in PROFESSIONS]).values_list("code", flat=True)
    )
    for code, name in PROFESSIONS:
        if code not in present:  # one query when none is missing (tests re-install before each test)
            Profession.objects.get_or_create(code=code, defaults={"name": name})
