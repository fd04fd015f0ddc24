"""Score a CSV of SDQ, RCADS or HoNOSCA item responses: python manage.py score_measure sdq IN.csv OUT.csv"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.batch_scoring import MEASURES, BatchInputError, score_csv_file
from assessments.selectors import missing_data_rules


class Command(BaseCommand):
    help = "Add scale scores and an error column to every row of a CSV of item responses."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("measure", choices=MEASURES)
        parser.add_argument("infile", type=Path, help="CSV with item columns i01..iNN (UTF-8)")
        parser.add_argument("outfile", type=Path, help="the scored CSV, written only on success")

    def handle(self, *args: object, measure: str, infile: Path, outfile: Path, **options: object) -> None:
        outfile = outfile.resolve()
        if not outfile.parent.is_dir():
            raise CommandError(f"cannot write {outfile}: {outfile.parent} is not a directory")
        try:
            summary = score_csv_file(measure, infile, outfile, missing_data_rules())
        except BatchInputError as error:
            raise CommandError(f"{infile}: {error}") from error
        except OSError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{measure}: {summary.rows} rows, {summary.errors} error rows; wrote {outfile}")
