import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from camhs_pbr.runs.models import RunStatus
from camhs_pbr.runs.wording import UNREACHABLE_NOW
from groupings import selectors, services


class Command(BaseCommand):
    help = "Queue a system-wide re-grouping of every open case's latest Current View with one rules version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rules-version", default=None, help="Label of the rules version; default the current one."
        )
        parser.add_argument("--wait", action="store_true", help="Wait for the workers and print the rate.")
        parser.add_argument(
            "--timeout",
            type=float,
            default=3600.0,
            help="With --wait: seconds to wait before giving up (the run goes on); default 3600.",
        )

    def handle(
        self, *args: object, rules_version: str | None, wait: bool, timeout: float, **options: object
    ) -> None:
        try:
            version = selectors.rules_version_labelled(rules_version)
        except selectors.NoSuchRulesVersion as error:
            raise CommandError(str(error)) from error
        started = time.perf_counter()
        run = services.start_regrouping(by=None, rules_version=version)
        if run.refused_at:
            raise CommandError(
                f"Run {run.pk} of {version.label} is queued but not yet sent. {UNREACHABLE_NOW}"
            )
        self.stdout.write(f"Queued run {run.pk} of {version.label}.")
        if not wait:
            return
        while run.status not in (RunStatus.DONE, RunStatus.FAILED):
            if time.perf_counter() - started > timeout:
                raise CommandError(
                    f"Run {run.pk} is still {run.status} after {timeout:g} s; it goes on without this command."
                )
            time.sleep(0.2)
            run.refresh_from_db()
        seconds = time.perf_counter() - started
        rate = run.views_grouped / seconds if seconds else 0
        self.stdout.write(
            f"Run {run.pk} {run.status}: {run.views_grouped} Current Views of {run.cases} open cases "
            f"in {seconds:.1f} s ({rate:,.0f} per second)."
        )
        if run.status == RunStatus.FAILED:
            raise CommandError(run.error)
