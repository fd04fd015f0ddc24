"""Typed text is NFC-normalised; characters that hide or disguise text are refused with a message."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from camhs_pbr.lib.text import PlainTextField, RefusedText, clean_text

HIDDEN = [
    "\u202e",
    "\u202a",
    "\u2066",
    "\u2069",
    "\u200b",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\x00",
    "\x1b",
    "\x85",
]


def test_text_is_normalised_to_nfc():
    assert clean_text("Zoe\u0301") == "Zo\u00e9"


@pytest.mark.parametrize("char", HIDDEN)
def test_control_bidi_and_zero_width_characters_are_refused_naming_the_character(char):
    with pytest.raises(RefusedText, match=f"U\\+{ord(char):04X}"):
        clean_text(f"Al{char}ex")


def test_free_text_keeps_its_newlines_and_tabs_but_a_name_may_not():
    assert clean_text("first line\n\tsecond", multiline=True) == "first line\n\tsecond"
    with pytest.raises(RefusedText):
        clean_text("Alex\nSmith")


def test_a_form_field_reports_a_refused_character_as_a_validation_error():
    field = PlainTextField()
    with pytest.raises(Exception, match="U\\+202E"):
        field.clean("abc\u202edef")
    assert field.clean("  Zoe\u0301  ") == "Zo\u00e9"


@settings(max_examples=200)
@given(st.text())
def test_clean_text_returns_nfc_text_without_control_characters_or_refuses(text):
    try:
        cleaned = clean_text(text, multiline=True)
    except RefusedText:
        return
    assert unicodedata.is_normalized("NFC", cleaned)
    assert not any(unicodedata.category(c) in ("Cc", "Cs") for c in cleaned if c not in "\n\t\r")
