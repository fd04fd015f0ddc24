"""Text typed into a form: NFC-normalised, and refused if it holds characters that hide or disguise text.

Control characters (C0 and C1, bar newline and tab in free text), bidirectional overrides and isolates
(the "Trojan Source" characters) and zero-width characters make a name or a note read differently from
what is stored; they are refused with a message rather than silently removed.
"""

import unicodedata
from typing import Any

from django import forms

_BIDI = {chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}
_FREE_TEXT_CONTROLS = {"\n", "\t", "\r"}


class RefusedText(ValueError):
    """Text holding a character it may not hold; the message is for the user."""


def refused_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character `text` may not hold, or None."""
    for char in text:
        if char in _BIDI or char in _ZERO_WIDTH:
            return char
        category = unicodedata.category(char)
        if category == "Cs" or (category == "Cc" and not (multiline and char in _FREE_TEXT_CONTROLS)):
            return char
    return None


def clean_text(text: str, *, multiline: bool = False) -> str:
    """`text` in NFC; raises RefusedText naming the first control, bidi or zero-width character."""
    char = refused_character(text, multiline=multiline)
    if char is not None:
        kind = "an invisible or control character"
        raise RefusedText(f"Remove {kind} (U+{ord(char):04X}); it may have come with pasted text.")
    return unicodedata.normalize("NFC", text)


class PlainTextField(forms.CharField):
    """A CharField whose value passes clean_text: every text field of every form is one of these."""

    def __init__(self, *args: Any, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        if not text:
            return text
        try:
            return clean_text(text, multiline=self.multiline)
        except RefusedText as error:
            raise forms.ValidationError(str(error), code="refused_character") from error
