from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from camhs_pbr.lib.files import write_bytes_atomically
from camhs_pbr.runs.models import RunStatus
from reports import exports, runs, selectors, workbook
from reports.models import ScopeKind
from reports.periods import Month

WRITERS = (".csv", ".xlsx")


class Command(BaseCommand):
    help = (
        "Run one monthly report now (the same code as the Celery task) and write it to a CSV or XLSX file; "
        "a commissioner's file has disclosure control applied."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", help="casemix, cost or outcomes")
        parser.add_argument("--period", required=True, help="The month, YYYY-MM.")
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--commissioner", help="ODS code of the ICB.")
        scope.add_argument("--provider", help="ODS code of the provider.")
        parser.add_argument("--out", required=True, type=Path, help="The file to write: .csv or .xlsx.")

    def handle(
        self,
        *args: object,
        report: str,
        period: str,
        commissioner: str | None,
        provider: str | None,
        out: Path,
        **options: object,
    ) -> None:
        suffix = out.suffix.lower()
        if suffix not in WRITERS:
            raise CommandError(f"--out must name a .csv or .xlsx file, not {out.name!r}.")
        try:
            month = Month.of(period)
        except ValueError as error:
            raise CommandError(str(error)) from None
        scope_kind, scope_code = (
            (ScopeKind.COMMISSIONER.value, commissioner)
            if commissioner
            else (ScopeKind.PROVIDER.value, provider)
        )
        if scope_code is None:
            raise CommandError("Give --commissioner CODE or --provider CODE.")
        try:
            run = runs.prepare_run(
                report=report, month=month, scope_kind=scope_kind, scope_code=scope_code, by=None
            )
        except runs.ReportRequestError as error:
            raise CommandError(str(error)) from None
        run = runs.execute_run(run.pk)
        if run.status != RunStatus.DONE:
            raise CommandError(f"The {report} report failed: {run.error}")
        frame = selectors.published_frame(run)
        columns, rows = [str(column) for column in frame.columns], exports.plain_rows(frame)
        if suffix == ".csv":
            exports.write_csv(out, columns, rows)
        else:
            scope = f"{ScopeKind(scope_kind).label} {scope_code}"
            write_bytes_atomically(out, workbook.run_xlsx(run, scope, columns, rows))
        self.stdout.write(f"{run}: {run.rows} rows written to {out}.")
