"""What a caseload search means and how the caseload may be sorted: pure rules, no ORM.

A search is a name (every word must match the given or family name), an NHS number (10 digits, typed as the
NHS number rules accept) or a case reference (the `C` number on the case page, with or without its `C` and
leading zeros). Searches are POSTed and kept in the session under an opaque token, so neither an NHS number
nor a name ever appears in a URL or an access log, yet the results can be paged and sorted by links.
"""

import re
from dataclasses import dataclass
from typing import Literal

from assessments import nhs_number

REFERENCE_PREFIX = "C"
_REFERENCE = re.compile(r"^[cC]?0*([1-9][0-9]{0,8})$")
_DIGITS_AND_SEPARATORS = re.compile(r"^[0-9][0-9 -]*$")


def case_reference(pk: int) -> str:
    """The reference shown for a case, e.g. C000123."""
    return f"{REFERENCE_PREFIX}{pk:06d}"


@dataclass(frozen=True)
class Query:
    kind: Literal["all", "name", "nhs_number", "reference", "nothing"]
    value: str | int | tuple[str, ...] = ""


def parse(text: str) -> Query:
    """What the user typed, understood: every open case, a name, an NHS number, a case reference, or (a
    number that is neither a valid NHS number nor a reference) nothing."""
    text = " ".join((text or "").split())
    if not text:
        return Query("all")
    if reference := _REFERENCE.match(text):
        if len(text.lstrip("cC")) < 10:
            return Query("reference", int(reference.group(1)))
    if _DIGITS_AND_SEPARATORS.match(text):
        try:
            return Query("nhs_number", nhs_number.normalise(text))
        except nhs_number.InvalidNhsNumber:
            return Query("nothing")
    return Query("name", tuple(text.split()))


# Sort key in the URL -> (heading, order of the bare caseload's cases). Name order breaks every tie.
NAME_ORDER = ("patient__family_name", "patient__given_name", "pk")
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("Name", NAME_ORDER),
    "-name": ("Name", tuple(f"-{field}" for field in NAME_ORDER)),
    "referred": ("Referred", ("referral_date", *NAME_ORDER)),
    "-referred": ("Referred", ("-referral_date", *NAME_ORDER)),
    "team": ("Team", ("team__name", *NAME_ORDER)),
    "-team": ("Team", ("-team__name", *NAME_ORDER)),
}
DEFAULT_SORT = "name"


def sort_or_default(key: str | None) -> str:
    return key if key in SORTS else DEFAULT_SORT


def next_sort(current: str, column: str) -> str:
    """The sort a column heading's link asks for: its ascending order, or descending when already ascending."""
    return f"-{column}" if current == column else column


def aria_sort(current: str, column: str) -> str:
    if current == column:
        return "ascending"
    if current == f"-{column}":
        return "descending"
    return "none"
