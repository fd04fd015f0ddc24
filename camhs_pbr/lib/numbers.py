"""Numbers for people: the one place that decides how money, counts, means, shares and ratios read.

Pages (through the template filters of `camhs_pbr/templatetags/numbers.py`), XLSX number formats and PDFs all
use these, so a figure reads the same wherever it is shown. Rounding is half away from zero, as people
round by hand (Python's `round` rounds 0.5 to even). A suppressed cell (`*`) and any other text pass through.
"""

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

MISSING = "–"
"""What an empty figure reads as (an en dash)."""


class Kind(StrEnum):
    """What a figure is, which decides how it is written."""

    COUNT = "count"
    MONEY = "money"
    MONEY_PENCE = "money_pence"
    MEAN = "mean"
    SHARE = "share"
    PERCENT = "percent"
    RATIO = "ratio"
    TEXT = "text"


XLSX_FORMATS: dict[Kind, str] = {
    Kind.COUNT: "#,##0",
    Kind.MONEY: '"£"#,##0;-"£"#,##0',
    Kind.MONEY_PENCE: '"£"#,##0.00;-"£"#,##0.00',
    Kind.MEAN: "#,##0.0",
    Kind.SHARE: "0%",
    Kind.PERCENT: '0"%"',
    Kind.RATIO: "0.00",
}
"""The spreadsheet number format of each kind: the cell stays a number and reads as the page shows it."""


def _decimal(value: object) -> Decimal | None:
    """The value as a Decimal, or None when it is empty, not a number or not finite."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _grouped(value: object, places: int) -> str | None:
    number = _decimal(value)
    if number is None:
        return None
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # never "-0"
    return f"{rounded:,.{places}f}"


def _passes_through(value: object) -> bool:
    return isinstance(value, str) and _decimal(value) is None


def count(value: object) -> str:
    """A whole number with thousands separators: 12345 -> "12,345"."""
    if _passes_through(value):
        return str(value)
    return _grouped(value, 0) or MISSING


def money(value: object, *, pence: bool = False) -> str:
    """Pounds with thousands separators, whole pounds unless `pence`: 20581.0 -> "£20,581", -256 -> "-£256"."""
    if _passes_through(value):
        return str(value)
    written = _grouped(value, 2 if pence else 0)
    if written is None:
        return MISSING
    return f"-£{written[1:]}" if written.startswith("-") else f"£{written}"


def mean(value: object) -> str:
    """A mean or median to one decimal place: 5.333333333333333 -> "5.3"."""
    if _passes_through(value):
        return str(value)
    return _grouped(value, 1) or MISSING


def share(value: object) -> str:
    """A share given as a fraction, as a rounded percentage: 0.309 -> "31%"."""
    if _passes_through(value):
        return str(value)
    number = _decimal(value)
    return MISSING if number is None else f"{_grouped(number * 100, 0)}%"


def percent(value: object) -> str:
    """A share already given in per cent, rounded: 30.9 -> "31%"."""
    if _passes_through(value):
        return str(value)
    written = _grouped(value, 0)
    return MISSING if written is None else f"{written}%"


def ratio(value: object) -> str:
    """A ratio such as eta squared or a coefficient of variation, to two decimal places."""
    if _passes_through(value):
        return str(value)
    return _grouped(value, 2) or MISSING


def duration(seconds: float | None) -> str:
    """How long something took, as people say it: "under a second", "4 seconds", "2 min 5 s", "1 h 3 min"
    (whole seconds, rounded half up; a missing time is a dash)."""
    if seconds is None:
        return MISSING
    if seconds < 0.5:
        return "under a second"
    whole = int(Decimal(str(seconds)).quantize(Decimal(1), ROUND_HALF_UP))
    if whole < 60:
        return f"{whole} second{'' if whole == 1 else 's'}"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min {secs} s"


def figure(value: object, kind: Kind | str) -> str:
    """The value written as its kind says; text is shown as it is, a missing figure (None) as a dash."""
    writers = {
        Kind.COUNT: count,
        Kind.MONEY: money,
        Kind.MONEY_PENCE: lambda value: money(value, pence=True),
        Kind.MEAN: mean,
        Kind.SHARE: share,
        Kind.PERCENT: percent,
        Kind.RATIO: ratio,
    }
    kind = Kind(kind)
    if kind is Kind.TEXT:
        return MISSING if value is None else str(value)
    return writers[kind](value)
