import json
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.management.base import BaseCommand, CommandError, CommandParser

from camhs_pbr.lib.files import replaced_on_success
from lab.episodes import BatchInputError, read_episodes_csv
from lab.methods import METHODS, Params, fit

SHOWN_BAD_ROWS = 20


class Command(BaseCommand):
    help = (
        "Fit a regression tree, clusters or a classifier of the 50 Current View items on the episodes of "
        "IN.csv, compare it with the rules on held-out folds and write the results to OUT.json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("method", choices=METHODS)
        parser.add_argument(
            "infile",
            type=Path,
            help="CSV: the 50 item columns (p01..e50), appointments, optional cost and allocated_grouping",
        )
        parser.add_argument("outfile", type=Path, help="JSON to write; replaced only when the run succeeds")
        parser.add_argument("--seed", type=int, default=0, help="folds and estimators' seed (default 0)")
        parser.add_argument("--rules-version", default=None, help="rules version label (default: current)")
        defaults = Params()
        parser.add_argument("--min-leaf", type=int, default=defaults.min_leaf, help="tree: episodes per leaf")
        parser.add_argument(
            "--max-leaves", type=int, default=defaults.max_leaves, help="tree: leaves at most"
        )
        parser.add_argument("--k-min", type=int, default=defaults.k_min, help="clusters: smallest k tried")
        parser.add_argument("--k-max", type=int, default=defaults.k_max, help="clusters: largest k tried")
        parser.add_argument(
            "--k", type=int, default=None, help="clusters: k compared (default: best silhouette)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from groupings.selectors import rules_version_labelled

        infile, outfile = options["infile"], options["outfile"]
        try:
            rules_version = rules_version_labelled(options["rules_version"])
            rules = rules_version.ruleset()
        except (LookupError, ValueError, ObjectDoesNotExist) as error:
            raise CommandError(str(error)) from error
        started = time.perf_counter()
        try:
            read = read_episodes_csv(infile, rules)
        except BatchInputError as error:
            raise CommandError(f"{infile}: {error}") from error
        except OSError as error:
            raise CommandError(str(error)) from error
        params = Params(
            min_leaf=options["min_leaf"],
            max_leaves=options["max_leaves"],
            k_min=options["k_min"],
            k_max=options["k_max"],
            k=options["k"],
        )
        try:
            result = fit(options["method"], read.episodes, seed=options["seed"], params=params)
        except ValueError as error:
            raise CommandError(f"{infile}: {error}") from error
        document = {
            **result.to_json(),
            "rules_version": rules_version.label,
            "input": {
                "file": infile.name,
                "rows": read.rows,
                "bad_rows": len(read.bad_rows),
                "bad_row_examples": [vars(row) for row in read.bad_rows[:SHOWN_BAD_ROWS]],
                "fingerprint": read.episodes.fingerprint(),
            },
        }
        try:
            with replaced_on_success(outfile) as out:
                json.dump(document, out, indent=2, ensure_ascii=False)
                out.write("\n")
        except OSError as error:
            raise CommandError(str(error)) from error
        for row in read.bad_rows[:SHOWN_BAD_ROWS]:
            self.stderr.write(f"line {row.line}: {row.reason}")
        if len(read.bad_rows) > SHOWN_BAD_ROWS:
            self.stderr.write(f"... and {len(read.bad_rows) - SHOWN_BAD_ROWS} more bad rows")
        self.stdout.write(
            f"{options['method']}: {result.n} episodes ({len(read.bad_rows)} bad rows left out), "
            f"cv_r2 {_figure(result.scores['cv_r2'])}, rules_eta2 {_figure(result.scores['rules_eta2'])} "
            f"({rules_version.label}), {time.perf_counter() - started:.1f} s -> {outfile}"
        )


def _figure(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.3f}"
