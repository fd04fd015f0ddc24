from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from camhs_pbr.lib.files import write_bytes_atomically
from reports.models import ScopeKind
from reports.pack import pack_pdf, scope_of
from reports.periods import Month


class Command(BaseCommand):
    help = (
        "Write the monthly PDF pack of one commissioner (ICB) or provider from its finished report runs: the "
        "same file the monthly beat makes and the reports page offers (the same bytes for the same data)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="The month, YYYY-MM.")
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--commissioner", help="ODS code of the ICB.")
        scope.add_argument("--provider", help="ODS code of the provider.")
        parser.add_argument("--out", required=True, type=Path, help="The PDF file to write.")

    def handle(
        self,
        *args: object,
        period: str,
        commissioner: str | None,
        provider: str | None,
        out: Path,
        **options: object,
    ) -> None:
        if out.suffix.lower() != ".pdf":
            raise CommandError(f"--out must name a .pdf file, not {out.name!r}.")
        try:
            month = Month.of(period)
        except ValueError as error:
            raise CommandError(str(error)) from None
        scope_kind = ScopeKind.COMMISSIONER.value if commissioner else ScopeKind.PROVIDER.value
        scope_code = str(commissioner or provider)
        try:
            scope_of(scope_kind, scope_code)
        except LookupError as error:
            raise CommandError(str(error)) from None
        write_bytes_atomically(out, pack_pdf(scope_kind, scope_code, month))
        self.stdout.write(f"Wrote the {month.label()} pack of {scope_kind} {scope_code} to {out}.")
