"""NHS number: the typed forms accepted and the Modulus 11 check (SPEC §7), on the `nhs-number` package.

Accepted: ten digits, or 3-3-4 separated by single spaces or by single hyphens (not mixed), with blanks around
(the package's `standardise_format`). Refused with one message: any other separator, doubled or leading
hyphens, mixed spacing and non-ASCII digits (Python's regular expressions take "١" or "９" for digits; the
package would let them through, so ASCII is checked first). The check digit is the package's Modulus 11
`calculate_checksum`; its Scottish CHI date rule is not applied (our numbers are NHS numbers, and numbers
beginning 999, never issued to patients, stay usable for test and demo data).
"""

from nhs_number import calculate_checksum, standardise_format

FORMAT_MESSAGE = (
    "Enter the NHS number as 10 digits, or as 3, 3 and 4 digits separated by single spaces or single "
    "hyphens, e.g. 943 476 5919."
)
CHECK_MESSAGE = "This is not a valid NHS number: its check digit does not match. Please re-check it."


class InvalidNhsNumber(ValueError):
    pass


def check_digit(first_nine: str) -> int | None:
    """The Modulus 11 check digit of nine digits, or None when no number with them can be valid."""
    check = calculate_checksum(first_nine)
    return None if check is None or check == 10 else check


def is_valid(digits: str) -> bool:
    """True when `digits` is ten ASCII digits whose last is the Modulus 11 check of the first nine."""
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    return check_digit(digits[:9]) == int(digits[9])


def normalise(raw: str | None) -> str:
    """Ten digits from an NHS number typed in an accepted form, or InvalidNhsNumber with what to do."""
    text = (raw or "").strip()
    digits = standardise_format(text) if text.isascii() else ""
    if not digits:
        raise InvalidNhsNumber(FORMAT_MESSAGE)
    if not is_valid(digits):
        raise InvalidNhsNumber(CHECK_MESSAGE)
    return digits


def formatted(digits: str) -> str:
    """The usual 3-3-4 display form."""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
