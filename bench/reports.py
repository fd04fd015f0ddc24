"""Monthly reports at national scale: each report's time beside the bare SQL aggregate over the same rows.

COPY-loads 1,000,000 cases and 10,000,000 contacts (bench/national.py) into a fresh PostgreSQL database,
then for each report runs `reports.runs.execute_run` (the code path of the Celery task and of
`manage.py run_report`) in a fresh process, and times a hand-written SQL aggregate over the same rows in
this one. Prints the report's time, the bare SQL's, the target (2 x bare SQL + 1 s) and the report
process's peak memory (target under 500 MB) beside what the process held once started, before the report.

    .venv/bin/python -m bench.reports [--cases 1000000] [--contacts 10000000]
"""

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from pg import SERVER, fresh_database  # noqa: E402

PERIOD = "2026-10"
FIRST, LAST = "2026-10-01", "2026-10-31"

# The same rows each report reads, aggregated by hand: what the database alone needs. An open episode is the
# SQL twin of Case.objects.open_episodes_on, filled in once Django is set up (bare_sql).
OPEN_EPISODE_MARK = "{OPEN_EPISODE_AT_MONTH_END}"
BARE_SQL = {
    "casemix": f"""
        WITH c AS (
            SELECT ca.id, ca.referral_date, ca.accepted_date, ca.closed_date, p.date_of_birth, p.gender,
                   t.provider_id,
                   CASE WHEN ca.closed_date BETWEEN '{FIRST}' AND '{LAST}' THEN ca.closed_date - 1
                        ELSE DATE '{LAST}' END AS ref
            FROM assessments_case ca
            JOIN assessments_patient p ON p.id = ca.patient_id
            JOIN accounts_team t ON t.id = ca.team_id
            JOIN accounts_commissioner co ON co.id = ca.commissioner_id
            WHERE co.code = %(commissioner)s
        )
        SELECT c.provider_id, a.grouping_id, date_part('year', age(DATE '{LAST}', c.date_of_birth)) AS age,
               c.gender,
               count(*) FILTER (WHERE {OPEN_EPISODE_MARK}),
               count(*) FILTER (WHERE c.referral_date BETWEEN '{FIRST}' AND '{LAST}'),
               count(*) FILTER (WHERE c.accepted_date IS NOT NULL AND c.closed_date BETWEEN '{FIRST}' AND '{LAST}')
        FROM c LEFT JOIN groupings_allocation a
          ON a.case_id = c.id AND a.start_date <= c.ref AND (a.end_date IS NULL OR a.end_date > c.ref)
        GROUP BY 1, 2, 3, 4""",
    "cost": f"""
        SELECT ca.team_id, a.grouping_id, ct.attendance, count(*), sum(ct.duration_minutes),
               sum(ct.duration_minutes / 60.0 * (
                   SELECT u.hourly_cost FROM reports_unitcost u
                   WHERE u.profession_id = ct.profession_id
                     AND u.valid_from <= (ct.starts_at AT TIME ZONE 'Europe/London')::date
                   ORDER BY u.valid_from DESC LIMIT 1))
        FROM assessments_contact ct
        JOIN assessments_case ca ON ca.id = ct.case_id
        JOIN accounts_team t ON t.id = ca.team_id
        JOIN accounts_provider pr ON pr.id = t.provider_id
        LEFT JOIN groupings_allocation a ON a.case_id = ca.id AND a.start_date <= DATE '{LAST}'
             AND (a.end_date IS NULL OR a.end_date > DATE '{LAST}')
        WHERE pr.code = %(provider)s
          AND ct.starts_at >= TIMESTAMP '{FIRST} 00:00' AT TIME ZONE 'Europe/London'
          AND ct.starts_at < TIMESTAMP '2026-11-01 00:00' AT TIME ZONE 'Europe/London'
        GROUP BY 1, 2, 3""",
    "currency": """
        SELECT ca.id, count(*) FILTER (WHERE ct.attendance = 'attended'),
               sum(ct.duration_minutes / 60.0 * (
                   SELECT u.hourly_cost FROM reports_unitcost u
                   WHERE u.profession_id = ct.profession_id
                     AND u.valid_from <= (ct.starts_at AT TIME ZONE 'Europe/London')::date
                   ORDER BY u.valid_from DESC LIMIT 1)) FILTER (WHERE ct.attendance = 'attended')
        FROM assessments_case ca
        JOIN accounts_team t ON t.id = ca.team_id
        JOIN accounts_provider pr ON pr.id = t.provider_id
        LEFT JOIN assessments_contact ct ON ct.case_id = ca.id
        WHERE pr.code = %(provider)s AND ca.accepted_date IS NOT NULL
          AND ca.closed_date BETWEEN DATE '2025-11-01' AND DATE '2026-10-31'
        GROUP BY 1""",
    "outcomes": f"""
        SELECT r.case_id, s.scale, min(r.completed_on), max(r.completed_on), count(*)
        FROM assessments_measurescore s
        JOIN assessments_measureresponse r ON r.id = s.response_id
        JOIN assessments_case ca ON ca.id = r.case_id
        JOIN accounts_commissioner co ON co.id = ca.commissioner_id
        WHERE co.code = %(commissioner)s AND ca.accepted_date IS NOT NULL
          AND ca.closed_date BETWEEN '{FIRST}' AND '{LAST}' AND s.value IS NOT NULL
        GROUP BY 1, 2""",
}
SCOPES = {
    "casemix": ("commissioner", "QB1"),
    "cost": ("provider", "BP1"),
    "currency": ("provider", "BP1"),
    "outcomes": ("commissioner", "QB1"),
}


def bare_sql(report: str) -> str:
    """The hand-written SQL of `report`, with the open-episode condition of assessments.models."""
    from assessments.models import open_episode_on_sql

    return BARE_SQL[report].replace(OPEN_EPISODE_MARK, open_episode_on_sql("c", f"DATE '{LAST}'"))


def bare_sql_seconds(report: str) -> float:
    from django.db import connection

    kind, code = SCOPES[report]
    best = float("inf")
    for _ in range(2):
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(bare_sql(report), {kind: code})
            cursor.fetchall()
            best = min(best, time.perf_counter() - started)
    return best


def report_process(report: str, url: str) -> dict:
    """Run one report in a fresh process, as a worker would; its seconds, rows and peak RSS."""
    kind, code = SCOPES[report]
    output = subprocess.run(
        [sys.executable, "-m", "bench.report_once", report, kind, code, PERIOD],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


@contextlib.contextmanager
def reused(name: str) -> Iterator[str]:
    yield f"{SERVER}/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=10_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="time the reports on a database kept by --keep")
    args = parser.parse_args()
    name = f"camhs_bench_reports_{args.cases}"
    database = reused(name) if args.reuse else fresh_database(name, keep=args.keep)
    with database as url:
        os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="camhs_pbr.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from bench.national import load_national

        if not args.reuse:
            started = time.perf_counter()
            load_national(args.cases, args.contacts, np.random.default_rng(14))
            seconds = time.perf_counter() - started
            print(
                f"loaded {args.cases:,} cases and {args.contacts:,} contacts in {seconds:.0f} s", flush=True
            )
        print(
            f"{'report':10} {'scope':18} {'rows':>6} {'report s':>9} {'bare SQL s':>10} {'target s':>9} {'peak MB':>8}"
            f" {'at start':>8}"
        )
        for report in BARE_SQL:
            bare = bare_sql_seconds(report)
            result = report_process(report, url)
            target = 2 * bare + 1
            kind, code = SCOPES[report]
            verdict = "ok" if result["seconds"] <= target and result["peak_mb"] < 500 else "OVER"
            print(
                f"{report:10} {kind + ' ' + code:18} {result['rows']:>6} {result['seconds']:>9.2f} "
                f"{bare:>10.2f} {target:>9.2f} {result['peak_mb']:>8.0f} {result['start_mb']:>8.0f} {verdict}",
                flush=True,
            )
        from django.db import connections

        connections.close_all()


if __name__ == "__main__":
    main()
