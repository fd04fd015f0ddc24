"""`manage.py contract_statement` writes the statement with the issue's columns and summary lines."""

import pytest
from django.core.management import CommandError, call_command

from tests.payments.helpers import small_contract

pytestmark = pytest.mark.django_db


def test_the_csv_has_the_issues_columns_lines_and_summary_lines(reference_data, tmp_path):
    # The June statement of tests/payments/test_statements.py, worked there by hand.
    small_contract()
    out = tmp_path / "june.csv"
    call_command("contract_statement", contract="C-QPP-RPP-2026", period="2026-06", out=str(out))
    assert out.read_text().splitlines() == [
        "contract_ref,period,grouping,planned_months,actual_months,price,plan_value,activity_value,variance",
        "C-QPP-RPP-2026,2026-06,GA01,1.50,1,300.00,450.00,300.00,-150.00",
        "C-QPP-RPP-2026,2026-06,GH03,3.00,3,1000.00,3000.00,3000.00,0.00",
        "C-QPP-RPP-2026,2026-06,GH04,3.00,1,1500.00,4500.00,1500.00,-3000.00",
        "C-QPP-RPP-2026,2026-06,UNGROUPED,0.00,2,0.00,0.00,0.00,0.00",
        "C-QPP-RPP-2026,2026-06,TOTAL,7.50,7,,7950.00,4800.00,-3150.00",
        "C-QPP-RPP-2026,2026-06,CORRIDOR_ADJUSTMENT,,,,,1376.25,",
        "C-QPP-RPP-2026,2026-06,OUTCOME_WITHHELD,,,,,0.00,",
        "C-QPP-RPP-2026,2026-06,OUTCOME_EARNED,,,,,0.00,",
        "C-QPP-RPP-2026,2026-06,PAYABLE_YTD,,,,,6176.25,",
        "C-QPP-RPP-2026,2026-06,PAYMENT_THIS_MONTH,,,,,1758.75,",
    ]


@pytest.mark.parametrize("suffix,magic", [(".xlsx", b"PK"), (".pdf", b"%PDF")])
def test_the_statement_is_written_as_a_workbook_or_a_pdf(reference_data, tmp_path, suffix, magic):
    small_contract()
    out = tmp_path / f"june{suffix}"
    call_command("contract_statement", contract="C-QPP-RPP-2026", period="2026-06", out=str(out))
    assert out.read_bytes().startswith(magic)


def test_an_unknown_contract_or_month_is_refused_in_words(reference_data, tmp_path):
    small_contract()
    with pytest.raises(CommandError, match="No contract"):
        call_command("contract_statement", contract="NOPE", period="2026-06", out=str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command(
            "contract_statement", contract="C-QPP-RPP-2026", period="June", out=str(tmp_path / "x.csv")
        )
