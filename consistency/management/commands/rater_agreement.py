import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from camhs_pbr.lib.files import write_bytes_atomically
from consistency.rater_agreement import RatingsRefused, read_ratings, summarise

MAX_RESAMPLES = 100_000


class Command(BaseCommand):
    help = (
        "Agreement between clinicians who rated the same children: PAIRS.csv has subject, rater, grouping "
        "(optionally add_on_grouping) and the 50 item columns as group_current_views reads them, two or more "
        "raters per subject. Writes OUT.json: n_subjects, n_raters, percent_agreement, cohen_kappa (two raters "
        "per subject, else null), fleiss_kappa, kappa_ci95 and items. A bad file writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("pairs", type=Path, help="CSV of ratings, one row per subject and rater")
        parser.add_argument("out", type=Path, help="JSON to write; written only when the file is good")
        parser.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default 0)")
        parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples (default 1000)")

    def handle(self, *args: Any, **options: Any) -> None:
        pairs, out = options["pairs"], options["out"]
        if not 1 <= options["resamples"] <= MAX_RESAMPLES:
            raise CommandError(f"--resamples must be from 1 to {MAX_RESAMPLES:,}")
        if options["seed"] < 0:
            raise CommandError("--seed must be 0 or more")
        try:
            content = pairs.read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from error
        try:
            ratings = read_ratings(content)
        except RatingsRefused as refused:
            for problem in refused.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{pairs}: {len(refused.problems)} problem(s), listed above; nothing written."
            ) from None
        figures = summarise(ratings, seed=options["seed"], resamples=options["resamples"])
        write_bytes_atomically(out, (json.dumps(figures, indent=2) + "\n").encode())
        self.stdout.write(
            f"{figures['n_subjects']} subjects, {figures['n_raters']} raters, {figures['n_pairs']} pairs -> {out}"
        )
