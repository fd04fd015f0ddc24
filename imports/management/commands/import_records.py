"""python manage.py import_records PATH --provider ODS_CODE [--mode delta|full] [--dry-run] [--report FILE.csv]

Runs the import as the workers do (the same run and code path, executed here); exits 0 when the extract was
read, even with rejected rows, and 1 when it was refused whole or the run failed."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Provider
from imports import services, tasks
from imports.filing import write_report
from imports.models import ImportMode, ImportRun, ImportSource


class Command(BaseCommand):
    help = "Load an extract of the records system (a folder or a zip) into one provider's records."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--provider", required=True, help="the provider's ODS code")
        parser.add_argument("--mode", choices=ImportMode.values, default=ImportMode.DELTA)
        parser.add_argument("--dry-run", action="store_true", help="check and count; write nothing")
        parser.add_argument("--report", type=Path, help="write the rejected rows here as CSV")

    def handle(
        self, *args, path: Path, provider: str, mode: str, dry_run: bool, report: Path | None, **options
    ) -> None:
        found = Provider.objects.filter(code=provider).first()
        if found is None:
            raise CommandError(f"No provider has the ODS code {provider!r}.")
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        run = services.request_import(
            by=None,
            provider=found,
            path=path.resolve(),
            name=path.name,
            source=ImportSource.COMMAND,
            mode=mode,
            dry_run=dry_run,
            send=False,
        )
        tasks.import_extract.apply(args=(run.pk,))  # the worker's task, executed in this process
        run = ImportRun.objects.get(pk=run.pk)
        if report is not None:
            with open(report, "w", newline="", encoding="utf-8") as out:
                write_report(run, out)
        if run.refused or run.status != "done":
            raise CommandError(
                run.refused or run.error or f"The import ended {run.get_status_display().lower()}."
            )
        for name, counts in run.counts.items():
            self.stdout.write(
                f"{name}: {counts['read']} read, {counts['loaded']} loaded, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged, {counts['rejected']} rejected"
                + (f", {counts['flagged']} not in the extract" if counts.get("flagged") else "")
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
