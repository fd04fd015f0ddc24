"""How guessable a password is, by zxcvbn (offline): repeats, keyboard runs, dates, common words and the user's
own names all count against it, which a length rule alone let through ("aaaaaaaaaaaa")."""

from typing import Any

from django.core.exceptions import ValidationError
from zxcvbn import zxcvbn

# zxcvbn slows down on very long input, and the first characters say enough about a pattern.
LONGEST_CHECKED = 128
TOO_GUESSABLE = "This password is too easy to guess."


def own_words(user: Any) -> list[str]:
    """The words of the user's own record a guesser tries first: user name, names, e-mail, names joined."""
    if user is None:
        return []
    first, last = getattr(user, "first_name", ""), getattr(user, "last_name", "")
    email = getattr(user, "email", "") or ""
    words = [user.get_username(), first, last, email, email.split("@")[0], first + last, last + first]
    return [word.lower() for word in words if word]


class StrengthValidator:
    """Refuses a password zxcvbn scores below `min_score` (0 to 4; 3 is about 10^8 guesses or more)."""

    def __init__(self, min_score: int = 3) -> None:
        self.min_score = min_score

    def validate(self, password: str, user: Any = None) -> None:
        result = zxcvbn(password[:LONGEST_CHECKED], user_inputs=own_words(user))
        if result["score"] >= self.min_score:
            return
        advice = [result["feedback"]["warning"], *result["feedback"]["suggestions"]]
        raise ValidationError(
            " ".join([TOO_GUESSABLE, *(line for line in advice if line)]), code="password_too_guessable"
        )

    def get_help_text(self) -> str:
        return (
            "Your password must not be easy to guess: no repeats, keyboard runs, dates or your own names. "
            "A few unrelated words make a good one."
        )
