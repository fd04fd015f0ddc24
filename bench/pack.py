"""The monthly PDF pack: seconds to make the demo commissioner's and provider's packs (WeasyPrint), on a
demo service seeded into a throw-away SQLite database (the pack reads stored report results, so the database
engine does not matter to the time).

    .venv/bin/python -m bench.pack [--cases 1500]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        os.environ.update(
            DATABASE_URL=f"sqlite:///{work}/pack.sqlite3",
            DJANGO_SETTINGS_MODULE="camhs_pbr.settings",
            DEBUG="1",
        )
        os.environ.pop("CELERY_BROKER_URL", None)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command
        from django.utils import timezone

        from accounts.models import User
        from reports.models import ScopeKind
        from reports.pack import pack_pdf
        from reports.periods import Month

        call_command("migrate", verbosity=0)
        as_of = timezone.localdate()
        call_command("seed_demo", cases=args.cases, seed=1, as_of=as_of, stdout=open(os.devnull, "w"))
        month = Month.containing(as_of).previous()
        commissioner = User.objects.get(username="commissioner").commissioner
        provider = User.objects.get(username="service.manager").provider
        assert commissioner is not None and provider is not None
        print(f"{args.cases:,} demo cases, {month.words()}")
        for kind, code in (
            (ScopeKind.COMMISSIONER.value, commissioner.code),
            (ScopeKind.PROVIDER.value, provider.code),
        ):
            started = time.perf_counter()
            pdf = pack_pdf(kind, code, month)
            seconds = time.perf_counter() - started
            print(f"  {kind} {code}: {seconds:.1f} s, {len(pdf) / 1000:,.0f} kB")


if __name__ == "__main__":
    main()
