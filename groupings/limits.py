"""Limits of the grouping workflow, each defined once with its message (SPEC §4): the allocation form, the
allocation service and the database constraint all read them."""

OVERRIDE_REASON_CATEGORY_MISSING = "Choose why a different grouping fits better."
OVERRIDE_REASON_TEXT_MISSING = "Say in a few words why."
OVERRIDE_NEEDS_REASON = "A grouping other than the suggestion needs a reason: a category and a few words."
ADD_ON_SAME_AS_GROUPING = "The add-on grouping must differ from the grouping."


def override_reason_problems(*, follows_suggestion: bool, category: str, text: str) -> list[str]:
    """What is missing for an allocation (SPEC §4): a grouping other than the suggestion needs a reason."""
    if follows_suggestion:
        return []
    problems = []
    if not category:
        problems.append(OVERRIDE_REASON_CATEGORY_MISSING)
    if not text.strip():
        problems.append(OVERRIDE_REASON_TEXT_MISSING)
    return problems
