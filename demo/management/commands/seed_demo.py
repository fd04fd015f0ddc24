import datetime as dt
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import Provider
from consistency.services import load_vignette_file
from demo import seed as demo
from demo.consistency import seed_demo_consistency
from demo.payments import seed_demo_payments
from demo.reports import failed_runs, make_demo_packs, run_demo_reports

# 12 vignettes written for this project (each says so), spanning the three super-groups.
DEMO_VIGNETTES = Path(__file__).resolve().parents[2] / "vignettes.csv"


class Command(BaseCommand):
    help = "Build a realistic synthetic CAMHS service (deterministic for a seed and as-of date)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--as-of", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD; default today"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when organisations already exist."
        )
        parser.add_argument(
            "--packs",
            action="store_true",
            help="Also make the last month's PDF pack of the demo commissioner and provider (make run; 10-30 s).",
        )

    def handle(
        self,
        *args: object,
        cases: int,
        seed: int,
        as_of: dt.date | None,
        if_empty: bool,
        packs: bool = False,
        **options: object,
    ) -> None:
        if Provider.objects.exists():
            if if_empty:
                self.stdout.write("Demo data already present; not seeding again.")
                self._print_logins(demo.DEMO_LOGINS)
                return
            raise CommandError(
                "The database already holds organisations; seed_demo only fills an empty database."
            )
        if cases < 1:
            raise CommandError("--cases must be at least 1")
        started = time.perf_counter()
        as_of = as_of or timezone.localdate()
        summary = demo.seed(cases=cases, seed=seed, as_of=as_of)
        reports = run_demo_reports(as_of)
        vignettes = load_vignette_file(by=None, content=DEMO_VIGNETTES.read_bytes())
        if failed := failed_runs():
            raise CommandError("Demo reports failed: " + "; ".join(failed))
        statements = seed_demo_payments(as_of)
        consistency = seed_demo_consistency(as_of, seed)
        if packs:
            make_demo_packs(as_of)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Seeded {summary.providers} providers, {summary.teams} teams, {summary.clinicians} clinicians, "
            f"{summary.patients} patients, {summary.cases} cases, {summary.contacts} contacts, "
            f"{summary.current_views} Current Views with suggestions and allocations, "
            f"{summary.measures} scored outcome measures, {reports} report runs, {vignettes} synthetic "
            f"training vignettes ({consistency.vignette_ratings} ratings of them), a second-rater audit with "
            f"{consistency.audit_ratings} second ratings and {statements} contract statements "
            f"in {seconds:.1f} s."
        )
        self._print_logins(demo.DEMO_LOGINS)

    def _print_logins(self, logins) -> None:
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<16} {login.role:<16} {login.scope}")
        self.stdout.write(
            "An administrator's first authenticator app needs a one-time enrolment code (unless REQUIRE_ADMIN_2FA "
            "is off, as with DEBUG=1, they may skip it): python manage.py issue_enrolment_code admin"
        )
