"""Limits of a lab run's inputs, each with its message (read by the form and the model's constraints)."""

__all__ = ["DEFAULT_WINDOW", "MAX_WINDOW", "WINDOW_MESSAGE", "MAX_SEED", "SEED_MESSAGE", "PERIOD_MESSAGE"]

# Here, not in lab.selectors: the models read this module at Django's start, and the selectors import
# scikit-learn (about 90 MB and seconds of start-up in every process, a report run's or a web worker's).
DEFAULT_WINDOW = 3
MAX_WINDOW = 50
WINDOW_MESSAGE = f"The window is 1 to {MAX_WINDOW} attended contacts."
MAX_SEED = 2**31 - 1
SEED_MESSAGE = f"The seed is a whole number from 0 to {MAX_SEED}."
PERIOD_MESSAGE = "The period's first day must not be after its last."
MAX_LEAVES = 64
MAX_K = 20
