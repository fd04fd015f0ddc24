from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from consistency.services import load_vignette_file
from consistency.vignettes import VignettesRefused


class Command(BaseCommand):
    help = (
        "Load training vignettes from a CSV file: id, set, title, text, grouping (the reference, e.g. GH03 or "
        "GH03 + GA02), agreed_by and the 50 item columns as group_current_views reads them. A bad file names "
        "every bad line with its reason and loads nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="CSV file of vignettes (UTF-8)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"]
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from error
        try:
            loaded = load_vignette_file(by=None, content=content)
        except VignettesRefused as refused:
            for problem in refused.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{path}: {len(refused.problems)} problem(s), listed above; nothing loaded."
            ) from None
        self.stdout.write(f"{loaded} vignettes loaded from {path}")
