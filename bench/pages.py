"""Response times of the main pages on a seeded PostgreSQL database (best of 3, through Django's test client).

.venv/bin/python bench/pages.py --cases 100000
"""

import argparse
import os
import subprocess
import sys
import time

from pg import ROOT, fresh_database


def timed(client, method: str, url: str, data: dict | None = None) -> tuple[int, float, int]:
    from django.db import connection, reset_queries

    best, status = float("inf"), 0
    for _ in range(3):
        reset_queries()
        started = time.perf_counter()
        status = getattr(client, method)(url, data or {}).status_code
        best = min(best, time.perf_counter() - started)
    return status, best, len(connection.queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    with fresh_database("camhs_bench_pages") as url:
        env = {**os.environ, "DATABASE_URL": url}
        subprocess.run(
            [sys.executable, "manage.py", "seed_demo", "--cases", str(args.cases), "--as-of", "2026-10-31"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        os.environ.update(
            DATABASE_URL=url, DJANGO_SETTINGS_MODULE="camhs_pbr.settings", ALLOWED_HOSTS="testserver"
        )
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.conf import settings
        from django.db import connections
        from django.test import Client

        from accounts.models import User
        from assessments.models import Case

        settings.DEBUG = True  # to count queries
        print(f"{args.cases:,} seeded cases")
        for username in ("service.manager", "manager", "clinician"):
            user = User.objects.get(username=username)
            client = Client()
            client.force_login(user)
            case = Case.objects.visible_to(user).open_referrals().earliest("pk")
            visible = Case.objects.visible_to(user).open_referrals().count()
            pages = [
                ("caseload, first page", "get", "/cases/", None),
                ("caseload, page 300", "get", "/cases/?page=300", None),
                ("caseload search by name", "post", "/cases/", {"q": "smith"}),
                ("case page", "get", f"/cases/{case.pk}/", None),
            ]
            if user.role != "clinician":
                pages.append(("re-grouping page", "get", "/groupings/regrouping/", None))
            for label, method, page_url, data in pages:
                status, best, queries = timed(client, method, page_url, data)
                print(
                    f"  {username} ({visible:,} open cases): {label}: {status}, {best * 1000:.0f} ms, {queries} queries"
                )
        connections.close_all()


if __name__ == "__main__":
    main()
