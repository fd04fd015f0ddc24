"""A contract file (issue 32): one line per grouping of a contract, read and checked as a whole.

Columns: contract_ref, commissioner_code, provider_code, financial_year ("2026/27"), grouping (a grouping
code, or UNGROUPED for its price), planned_months (for the year), price (per month of care, pounds),
outcome_share, corridor and share (fractions: 0.05 for 5%). The contract's terms repeat on each of its lines
and must agree. Every bad line is reported with its line number (the header is line 1) and reason; a file
with any is loaded not at all. Pure: the organisation and grouping codes known are given."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from camhs_pbr.lib.csv_upload import FileRefused
from payments import financial_year

COLUMNS = (
    "contract_ref",
    "commissioner_code",
    "provider_code",
    "financial_year",
    "grouping",
    "planned_months",
    "price",
    "outcome_share",
    "corridor",
    "share",
)
UNGROUPED = "UNGROUPED"
MAX_OUTCOME_SHARE = Decimal("0.2")


@dataclass
class ContractTerms:
    reference: str
    commissioner_code: str
    provider_code: str
    financial_year: int
    outcome_share: Decimal
    corridor: Decimal
    share: Decimal
    plan: dict[str, Decimal] = field(default_factory=dict)
    prices: dict[str, Decimal] = field(default_factory=dict)

    def terms(self) -> tuple[object, ...]:
        return (
            self.commissioner_code,
            self.provider_code,
            self.financial_year,
            self.outcome_share,
            self.corridor,
            self.share,
        )


class ContractFileError(FileRefused):
    """The file's every problem, one line each."""

    separator = "\n"


def _fraction(text: str, name: str, high: Decimal, problems: list[str]) -> Decimal:
    value = _decimal(text, name, problems)
    if value is not None and not Decimal(0) <= value <= high:
        problems.append(f"{name} must be a fraction from 0 to {high} (0.05 for 5%), not {text!r}")
    return value if value is not None else Decimal(0)


def _decimal(text: str, name: str, problems: list[str]) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        problems.append(f"{name} must be a number, not {text!r}")
        return None
    if not value.is_finite():
        problems.append(f"{name} must be a number, not {text!r}")
        return None
    return value


def read(
    text: str, *, commissioners: Collection[str], providers: Collection[str], groupings: Collection[str]
) -> list[ContractTerms]:
    """The contracts of the file, or ContractFileError listing every bad line."""
    try:
        return _read(text, commissioners=commissioners, providers=providers, groupings=groupings)
    except csv.Error as error:
        raise ContractFileError([f"the file is not valid CSV: {error}"]) from None


def _read(
    text: str, *, commissioners: Collection[str], providers: Collection[str], groupings: Collection[str]
) -> list[ContractTerms]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ContractFileError(
            [f"line 1: the header lacks {', '.join(missing)} (columns: {', '.join(COLUMNS)})"]
        )
    contracts: dict[str, ContractTerms] = {}
    problems: list[str] = []
    lines = 0
    for number, row in enumerate(reader, start=2):
        lines += 1
        found: list[str] = []
        cells = {c: (row.get(c) or "").strip() for c in COLUMNS}
        if None in row:
            found.append("it has more cells than the header")
        reference = cells["contract_ref"]
        if not reference or len(reference) > 40:
            found.append("contract_ref must be 1 to 40 characters")
        if cells["commissioner_code"] not in commissioners:
            found.append(f"no commissioner has the code {cells['commissioner_code']!r}")
        if cells["provider_code"] not in providers:
            found.append(f"no provider has the code {cells['provider_code']!r}")
        year = 0
        try:
            year = financial_year.parse(cells["financial_year"])
        except ValueError as error:
            found.append(str(error))
        grouping = cells["grouping"]
        if grouping != UNGROUPED and grouping not in groupings:
            found.append(f"{grouping!r} is not a grouping code (or {UNGROUPED})")
        planned = _decimal(cells["planned_months"], "planned_months", found)
        if planned is not None and planned < 0:
            found.append("planned_months cannot be negative")
        price = _decimal(cells["price"], "price", found)
        if price is not None and (price < 0 or price.as_tuple().exponent < -2):  # type: ignore[operator]
            found.append(f"price must be pounds and pence, not negative: {cells['price']!r}")
        terms = ContractTerms(
            reference,
            cells["commissioner_code"],
            cells["provider_code"],
            year,
            _fraction(cells["outcome_share"], "outcome_share", MAX_OUTCOME_SHARE, found),
            _fraction(cells["corridor"], "corridor", Decimal(1), found),
            _fraction(cells["share"], "share", Decimal(1), found),
        )
        known = contracts.get(reference)
        if not found and known is not None:
            if known.terms() != terms.terms():
                found.append(f"its contract terms differ from an earlier line of {reference}")
            if grouping in known.prices:
                found.append(f"{reference} has {grouping} twice")
        if found:
            problems.extend(f"line {number}: {problem}" for problem in found)
            continue
        contract = contracts.setdefault(reference, terms)
        assert planned is not None and price is not None
        contract.plan[grouping] = planned
        contract.prices[grouping] = price
    if not lines:
        problems.append("the file has no contract lines")
    if problems:
        raise ContractFileError(problems)
    return list(contracts.values())
