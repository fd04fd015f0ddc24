"""Limits of the consistency pages, each with its message: the form, the service and the database read them."""

MIN_AUDIT_SIZE = 1
MAX_AUDIT_SIZE = 500
AUDIT_SIZE_SENTENCE = f"An audit samples from {MIN_AUDIT_SIZE} to {MAX_AUDIT_SIZE} allocations."
MAX_AUDIT_PERIOD_DAYS = 3 * 366
PERIOD_SENTENCE = (
    "The period runs from its first day to its last, at most three years, and not into the future."
)
# Figures of one clinician are shown from this many pairs (issue 34): fewer say more about the cases than the
# clinician, and may point at one person.
MIN_PAIRS_PER_CLINICIAN = 10
LOWEST_ITEMS_SHOWN = 5
AGREEMENT_RESAMPLES = 1000
NOT_THE_FIRST_RATER = (
    "The second rater cannot be the clinician who made the allocation or completed its Current View."
)
NOT_ELIGIBLE = "The second rater must be an active clinician of a team in your scope."
AUDIT_CLOSED = "This audit is closed: its ratings can no longer change."
ALREADY_RATED = "This case has been rated for the audit already."
