import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.management.base import BaseCommand, CommandError, CommandParser

from groupings.batch import DEFAULT_CHUNK_ROWS, BatchInputError, group_csv_file


class Command(BaseCommand):
    help = (
        "Suggest a needs-based grouping for every Current View in IN.csv and write the rows with their "
        "suggestions to OUT.csv (flags as yes/no; rows with bad cells get an error text)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("infile", type=Path, help="CSV with a header naming the 50 items (p01..e50)")
        parser.add_argument("outfile", type=Path, help="CSV to write; replaced only when the run succeeds")
        parser.add_argument(
            "--rules-version", default=None, help="rules version label (default: the active one)"
        )
        parser.add_argument(
            "--chunk-rows", type=int, default=DEFAULT_CHUNK_ROWS, help="rows grouped at a time"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from groupings.selectors import ruleset_for_version

        infile, outfile = options["infile"], options["outfile"]
        if options["chunk_rows"] < 1:
            raise CommandError("--chunk-rows must be at least 1")
        try:
            rules = ruleset_for_version(options["rules_version"])
        except (LookupError, ValueError, ObjectDoesNotExist) as error:
            raise CommandError(str(error)) from error
        started = time.perf_counter()
        try:
            summary = group_csv_file(infile, outfile, rules, chunk_rows=options["chunk_rows"])
        except BatchInputError as error:
            raise CommandError(f"{infile}: {error}") from error
        except OSError as error:
            raise CommandError(str(error)) from error
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{summary.rows} rows, {summary.errors} error rows, {seconds:.2f} s, "
            f"{summary.rows / max(seconds, 1e-9):,.0f} rows/s ({rules.version}) -> {outfile}"
        )
