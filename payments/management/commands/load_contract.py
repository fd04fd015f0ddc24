from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Commissioner, Provider
from groupings.models import Grouping
from payments import contract_file, services

MAX_BYTES = 5_000_000


class Command(BaseCommand):
    help = (
        "Load contracts from a CSV file (one line per grouping: contract_ref, commissioner_code, "
        "provider_code, financial_year, grouping, planned_months, price, outcome_share, corridor, share). "
        "A file with any bad line is not loaded at all; every bad line is listed with its reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file.")

    def handle(self, *args: object, file: str | Path, **options: object) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path} is not a regular file.")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(
                f"{path.name} is larger than {MAX_BYTES // 1_000_000} MB: a contract file is a few lines."
            )
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        try:
            contracts = contract_file.read(
                text,
                commissioners=set(Commissioner.objects.values_list("code", flat=True)),
                providers=set(Provider.objects.values_list("code", flat=True)),
                groupings=set(Grouping.objects.values_list("code", flat=True)),
            )
            loaded = services.load_contracts(contracts=contracts, by=None, source=f"loaded from {path.name}")
        except contract_file.ContractFileError as error:
            raise CommandError(f"{path.name} was not loaded:\n" + "\n".join(error.problems)) from None
        except services.StatementRefused as error:
            raise CommandError(f"{path.name} was not loaded: {error}") from None
        for contract in loaded:
            self.stdout.write(
                f"Loaded {contract}: {contract.plan.count()} plan lines, prices v{contract.price_list.version}."
            )
