from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from camhs_pbr.runs.models import RunStatus
from payments import runs, statement_files
from payments.models import Contract
from reports.periods import Month


class Command(BaseCommand):
    help = (
        "Compute a contract's statement for a month now (the same code as the Celery task; a restatement "
        "when the month is agreed) and write it to a CSV, XLSX or PDF file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--contract", required=True, help="The contract reference.")
        parser.add_argument("--period", required=True, help="The month, YYYY-MM.")
        parser.add_argument("--out", required=True, type=Path, help="The file to write: .csv, .xlsx or .pdf.")

    def handle(self, *args: object, contract: str, period: str, out: str | Path, **options: object) -> None:
        out = Path(out)
        if out.suffix.lower() not in (".csv", ".xlsx", ".pdf"):
            raise CommandError(f"--out must name a .csv, .xlsx or .pdf file, not {out.name!r}.")
        try:
            month = Month.of(period)
        except ValueError as error:
            raise CommandError(str(error)) from None
        found = Contract.objects.filter(reference=contract).first()
        if found is None:
            raise CommandError(f"No contract has the reference {contract!r}.")
        try:
            statement = runs.request_statement(contract=found, month=month, by=None, send=False)
        except runs.StatementRequestError as error:
            raise CommandError(str(error)) from None
        statement = runs.execute_statement(statement.pk)
        if statement.status != RunStatus.DONE:
            raise CommandError(f"The statement failed: {statement.error}")
        statement_files.write(statement, out)
        self.stdout.write(f"Wrote {statement} to {out}: payment this month £{statement.payment_this_month}.")
