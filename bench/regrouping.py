"""End-to-end bulk re-grouping on PostgreSQL with real Celery workers.

Loads N open cases, each with one stored Current View, into a fresh database with COPY, starts 2 Celery
workers on Redis, runs the re-grouping task chain and prints Current Views per second (target: 50,000/s
for 1,000,000 on a 2-core machine). A second run shows that re-running changes nothing.

    .venv/bin/python bench/regrouping.py --cases 1000000
"""

import argparse
import os
import sys
import time
import uuid
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from national import copy_frame
from pg import ROOT, fresh_database

if TYPE_CHECKING:
    from groupings.models import RegroupingRun, RulesVersion

BROKER = os.environ.get("BENCH_BROKER", "redis://127.0.0.1:6379/14")


def load(cases: int, rng: np.random.Generator) -> None:
    """Organisations through the ORM, then patients, cases and Current Views with COPY."""
    from django.db import connection

    from accounts.models import Commissioner, Provider, Role, Team, User
    from assessments.current_view_items import ALL_ITEMS
    from demo.groupings import ratings

    provider = Provider.objects.create(code="BENCH", name="Bench trust")
    teams = [Team.objects.create(provider=provider, code=f"T{n}", name=f"Team {n}") for n in range(2)]
    icb = Commissioner.objects.create(code="QBE", name="Bench ICB")
    clinician = User.objects.create(username="bench", role=Role.CLINICIAN)
    patients = (
        cases // 2 + cases % 2
    )  # two open cases per patient, in two teams: 999 numbers run out at ~909k
    now = "2026-10-31 12:00:00+00"
    with connection.cursor() as cursor:
        raw = cursor.connection.cursor()
        copy_frame(
            raw,
            "assessments_patient",
            pd.DataFrame(
                {
                    "nhs_number": [f"{n:010d}" for n in range(patients)],
                    "given_name": "Bench",
                    "family_name": "Patient",
                    "date_of_birth": "2012-01-01",
                    "gender": "2",
                    "ethnic_category": "A",
                    "postcode": "LS1 4AP",
                    "registered_at": now,
                    "provider_id": provider.pk,
                }
            ),
        )
        cursor.execute("SELECT min(id) FROM assessments_patient")
        first_patient = cursor.fetchone()[0]
        index = np.arange(cases)
        copy_frame(
            raw,
            "assessments_case",
            pd.DataFrame(
                {
                    "patient_id": first_patient + index // 2,
                    "team_id": np.array([t.pk for t in teams])[index % 2],
                    "referral_date": "2026-01-05",
                    "referral_source": "gp",
                    "commissioner_id": icb.pk,
                    "accepted_date": "2026-01-12",
                    "discharge_reason": "",
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            ),
        )
        cursor.execute("SELECT min(id) FROM assessments_case")
        first_case = cursor.fetchone()[0]
        codes = ratings(cases, rng)
        views = pd.DataFrame(np.where(codes < 0, np.nan, codes), columns=list(ALL_ITEMS)).astype("Int8")
        views.insert(0, "case_id", first_case + index)
        views.insert(1, "completed_on", "2026-01-19")
        views.insert(2, "reason", "first_contact")
        views.insert(3, "practitioner_id", clinician.pk)
        views.insert(4, "recorded_by_id", clinician.pk)
        views.insert(5, "recorded_at", now)
        copy_frame(raw, "assessments_currentview", views)
        cursor.execute("ANALYZE")


def timed_run(rules_version: "RulesVersion") -> tuple[float, "RegroupingRun"]:
    from camhs_pbr.runs.models import RunStatus
    from groupings.models import RegroupingRun
    from groupings.services import start_regrouping

    started = time.perf_counter()
    run = start_regrouping(by=None, rules_version=rules_version)
    while run.status not in (RunStatus.DONE, RunStatus.FAILED):
        time.sleep(0.05)
        run = RegroupingRun.objects.get(pk=run.pk)
    return time.perf_counter() - started, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the database for profiling")
    args = parser.parse_args()
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    with fresh_database("camhs_bench_regroup", keep=args.keep) as url:
        os.environ.update(DATABASE_URL=url, CELERY_BROKER_URL=BROKER, CELERY_TASK_DEFAULT_QUEUE=queue)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "camhs_pbr.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from groupings.models import Suggestion
        from groupings.selectors import current_rules_version

        started = time.perf_counter()
        load(args.cases, np.random.default_rng(5))
        print(
            f"loaded {args.cases:,} open cases with a Current View each in {time.perf_counter() - started:.1f} s"
        )
        from camhs_pbr.celery import app
        from tests.support.workers import start_worker, stop, wait_until_answering

        names = [f"{queue}-{n}" for n in range(args.workers)]
        workers = [
            start_worker(
                database_url=url, broker_url=BROKER, queue=queue, name=name, concurrency=1, quiet=True
            )
            for name in names
        ]
        try:
            wait_until_answering(app, names, workers)
            rules_version = current_rules_version()
            for label in ("first run", "second run (changes nothing)"):
                seconds, run = timed_run(rules_version)
                stored = Suggestion.objects.filter(rules_version=rules_version).count()
                print(
                    f"{label}: {run.status}, {run.views_grouped:,} Current Views in {run.chunks_total} chunks "
                    f"with {args.workers} workers in {seconds:.2f} s = {run.views_grouped / seconds:,.0f} per second; "
                    f"{stored:,} suggestions stored"
                )
        finally:
            stop(workers)
            from django.db import connections

            connections.close_all()


if __name__ == "__main__":
    main()
