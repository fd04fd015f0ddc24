"""A statement as a file: CSV (the issue's machine columns and summary lines), XLSX and PDF.

Exact counts (a contract document between two parties, no disclosure rounding) and never an identifier.
Amounts in pounds with two decimals; planned months (a twelfth of the annual plan per month) to two
decimals. Summary lines carry their amount in `activity_value`; TOTAL sums the lines' columns (each amount
rounded to the penny from the exact sum)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string

from camhs_pbr.lib import safe_csv
from camhs_pbr.lib.files import write_bytes_atomically
from camhs_pbr.lib.numbers import XLSX_FORMATS, Kind
from payments.models import Statement, StatementLine

COLUMNS = (
    "contract_ref",
    "period",
    "grouping",
    "planned_months",
    "actual_months",
    "price",
    "plan_value",
    "activity_value",
    "variance",
)
SUMMARY = (
    ("CORRIDOR_ADJUSTMENT", "corridor_adjustment", 1),
    ("OUTCOME_WITHHELD", "outcome_withheld", -1),
    ("OUTCOME_EARNED", "outcome_earned", 1),
    ("PAYABLE_YTD", "payable_ytd", 1),
    ("PAYMENT_THIS_MONTH", "payment_this_month", 1),
)
SUMMARY_WORDS = {
    "TOTAL": "Total, year to date",
    "CORRIDOR_ADJUSTMENT": "Risk-share corridor adjustment",
    "OUTCOME_WITHHELD": "Outcome-linked share withheld",
    "OUTCOME_EARNED": "Outcome-linked share earned",
    "PAYABLE_YTD": "Payable, year to date",
    "PAYMENT_THIS_MONTH": "Payment this month",
}
Row = tuple[
    str, str, str, Decimal | None, int | None, Decimal | None, Decimal | None, Decimal | None, Decimal | None
]


@dataclass(frozen=True)
class Totals:
    """The TOTAL line: months summed over the lines, amounts as the statement computed them (each rounded from
    its exact value, so they can differ by a penny from the sum of the rounded lines)."""

    planned_months: Decimal
    actual_months: int
    plan_value: Decimal | None
    activity_value: Decimal | None
    variance: Decimal | None


def totals(statement: Statement, lines: Iterable[StatementLine]) -> Totals:
    lines = list(lines)
    return Totals(
        sum((line.planned_months for line in lines), Decimal(0)),
        sum(line.actual_months for line in lines),
        statement.plan_value,
        statement.activity_value,
        statement.variance,
    )


def rows(statement: Statement) -> Iterator[Row]:
    """The statement's lines then its summary lines, as values (Decimal amounts, int counts)."""
    ref, period = statement.contract.reference, f"{statement.period:%Y-%m}"
    lines = list(statement.lines.all())
    for line in lines:
        yield (
            ref,
            period,
            line.grouping,
            line.planned_months,
            line.actual_months,
            line.price,
            line.plan_value,
            line.activity_value,
            line.variance,
        )
    total = totals(statement, lines)
    yield (
        ref,
        period,
        "TOTAL",
        total.planned_months,
        total.actual_months,
        None,
        total.plan_value,
        total.activity_value,
        total.variance,
    )
    for code, field, sign in SUMMARY:
        amount = getattr(statement, field)
        yield (ref, period, code, None, None, None, None, -amount if sign < 0 and amount else amount, None)


def _cell(value: object) -> object:
    """Amounts and planned months with two decimals, kept numbers (a negative amount is not a formula)."""
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    return value


def csv_lines(statement: Statement) -> Iterator[str]:
    """The CSV of the issue, one line at a time."""
    return safe_csv.csv_lines(COLUMNS, ([_cell(cell) for cell in row] for row in rows(statement)))  # type: ignore[misc]


def write(statement: Statement, out: Path) -> None:
    """Write the statement to `out` as CSV, XLSX or PDF (by its suffix), atomically."""
    suffix = out.suffix.lower()
    if suffix == ".csv":
        content = "".join(csv_lines(statement)).encode()
    elif suffix == ".xlsx":
        content = xlsx_bytes(statement)
    elif suffix == ".pdf":
        content = pdf_bytes(statement)
    else:
        raise ValueError(f"Write the statement to a .csv, .xlsx or .pdf file, not {out.name!r}.")
    write_bytes_atomically(out, content)


def xlsx_bytes(statement: Statement) -> bytes:
    """One sheet: a title, the issue's columns as words, the lines and summary lines, numbers formatted."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Statement"
    sheet.append(
        [f"Statement {statement}: {statement.contract.commissioner} and {statement.contract.provider}"]
    )
    sheet["A1"].font = Font(bold=True)
    sheet.append([])
    sheet.append(list(COLUMNS))
    kinds = [None, None, None, Kind.MEAN, Kind.COUNT, *[Kind.MONEY_PENCE] * 4]
    for row in rows(statement):
        sheet.append(list(row))  # Decimal cells: openpyxl writes them as numbers, never through float
        for cell, kind in zip(sheet[sheet.max_row], kinds, strict=True):
            if kind is not None and cell.value is not None:
                cell.number_format = "#,##0.00" if kind is Kind.MEAN else XLSX_FORMATS[kind]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pdf_bytes(statement: Statement) -> bytes:
    """The statement on A4 (WeasyPrint, a simple template)."""
    from weasyprint import HTML

    html = render_to_string(
        "payments/statement_pdf.html", {"statement": statement, "rows": list(words(statement))}
    )
    return HTML(string=html).write_pdf()


def words(statement: Statement) -> Iterator[dict[str, object]]:
    """The rows with headings in words for the page and the PDF."""
    for row in rows(statement):
        grouping = row[2]
        yield {
            "grouping": SUMMARY_WORDS.get(grouping, grouping),
            "summary": grouping in SUMMARY_WORDS,
            "planned_months": row[3],
            "actual_months": row[4],
            "price": row[5],
            "plan_value": row[6],
            "activity_value": row[7],
            "variance": row[8],
        }
