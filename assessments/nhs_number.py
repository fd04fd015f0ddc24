"""NHS number: Modulus 11 check (SPEC §7)."""

import re

_SEPARATORS = re.compile(r"[\s-]")


class InvalidNhsNumber(ValueError):
    pass


def check_digit(first_nine: str) -> int | None:
    """The Modulus 11 check digit of nine digits, or None when no number with them can be valid."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid(digits: str) -> bool:
    """True when `digits` is ten digits whose last is the Modulus 11 check of the first nine."""
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    return check_digit(digits[:9]) == int(digits[9])


def normalise(raw: str) -> str:
    """Ten digits from an NHS number typed with or without spaces or hyphens, or InvalidNhsNumber."""
    digits = _SEPARATORS.sub("", raw or "")
    if not (digits.isascii() and digits.isdigit()) or len(digits) != 10:
        raise InvalidNhsNumber("An NHS number has 10 digits (spaces or hyphens allowed), e.g. 943 476 5919.")
    if not is_valid(digits):
        raise InvalidNhsNumber(
            "This is not a valid NHS number: its check digit does not match. Please re-check it."
        )
    return digits


def formatted(digits: str) -> str:
    """The usual 3-3-4 display form."""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
