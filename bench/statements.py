"""Contract statements at national scale: every contract's statement of one month beside the bare SQL of its
months-of-care count (issue 32: under 2 x bare SQL + 1 s each).

COPY-loads the national data set (bench/national.py: 1,000,000 cases and 10,000,000 contacts by default)
into a fresh PostgreSQL database, makes one contract per ICB and provider (18) for 2026/27 with a price for
every grouping, computes each contract's September statement (the month before, as the monthly schedule
leaves it), then times each contract's October statement through `payments.runs.execute_statement` (the
code path of the Celery task and of `manage.py contract_statement`) and, in the same process, a hand-written
SQL count of the same months of care (April to October).

    .venv/bin/python -m bench.statements [--cases 1000000] [--contacts 10000000]

`--reuse` skips the load and uses the database `bench.reports --keep` left (the same national data set, made
with the same seed), migrated to the current code first; its contracts are made again.
"""

import argparse
import contextlib
import datetime as dt
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
REFERENCE_PREFIX = "B-"
MONTHS_OF_CARE = """
    SELECT COALESCE(g.code, 'UNGROUPED'), count(*)
    FROM generate_series(DATE '2026-04-01', DATE '2026-10-01', INTERVAL '1 month') AS m(first)
    CROSS JOIN LATERAL (SELECT (m.first + INTERVAL '1 month' - INTERVAL '1 day')::date AS last) e
    JOIN assessments_case c ON c.accepted_date <= e.last AND (c.closed_date IS NULL OR c.closed_date >= m.first)
    JOIN accounts_team t ON t.id = c.team_id
    CROSS JOIN LATERAL (
        SELECT CASE WHEN c.closed_date BETWEEN m.first AND e.last THEN c.closed_date - 1 ELSE e.last END AS day
    ) ref
    LEFT JOIN LATERAL (
        SELECT gr.code FROM groupings_allocation a JOIN groupings_grouping gr ON gr.id = a.grouping_id
        WHERE a.case_id = c.id AND a.start_date <= ref.day AND (a.end_date IS NULL OR a.end_date > ref.day)
        LIMIT 1
    ) g ON true
    WHERE c.commissioner_id = %(commissioner)s AND t.provider_id = %(provider)s
    GROUP BY 1
"""


def bare_sql(contract) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """The best of two runs of the bare count, and the months of care it counts."""
    from django.db import connection

    best, months = float("inf"), 0
    for _ in range(2):
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(
                MONTHS_OF_CARE, {"commissioner": contract.commissioner_id, "provider": contract.provider_id}
            )
            months = sum(n for _, n in cursor.fetchall())
            best = min(best, time.perf_counter() - started)
    return best, months


def contracts():  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from accounts.models import Commissioner, Provider
    from groupings.models import Grouping
    from groupings.selectors import current_rules_version
    from payments import services
    from payments.models import Contract, PlanLine

    codes = list(
        Grouping.objects.filter(rules_version=current_rules_version()).values_list("code", flat=True)
    )
    made = []
    for icb in Commissioner.objects.order_by("code"):
        for provider in Provider.objects.order_by("code"):
            prices = services.new_price_list(
                commissioner=icb,
                provider=provider,
                prices=dict.fromkeys(codes, Decimal("1000.00")),
                valid_from=dt.date(2026, 4, 1),
                price_base_year="2026/27",
                source="bench",
                by=None,
            )
            contract = Contract.objects.create(
                reference=f"{REFERENCE_PREFIX}{icb.code}-{provider.code}",
                commissioner=icb,
                provider=provider,
                financial_year=2026,
                price_list=prices,
                outcome_share=Decimal("0.05"),
            )
            PlanLine.objects.bulk_create(
                PlanLine(contract=contract, grouping=c, planned_months=100) for c in codes
            )
            made.append(contract)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=10_000_000)
    parser.add_argument("--reuse", action="store_true", help="use the database bench.reports --keep left")
    args = parser.parse_args()
    database = (
        kept_reports_database(args.cases)
        if args.reuse
        else fresh_database(f"camhs_bench_statements_{args.cases}")
    )
    with database as url:
        os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="camhs_pbr.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from bench.national import load_national
        from payments import runs
        from reports.periods import Month

        if args.reuse:
            from payments.models import Contract, PriceList, Statement

            # Drafts of an earlier run on this database (never agreed, so they may go), then their contracts.
            Statement.objects.filter(contract__reference__startswith=REFERENCE_PREFIX).delete()
            Contract.objects.filter(reference__startswith=REFERENCE_PREFIX).delete()
            PriceList.objects.filter(source="bench").delete()
        else:
            started = time.perf_counter()
            load_national(args.cases, args.contacts, np.random.default_rng(14))
            print(
                f"loaded {args.cases:,} cases and {args.contacts:,} contacts in {time.perf_counter() - started:.0f} s"
            )
        month = Month.of(PERIOD)
        print(f"{'contract':14} {'months':>8} {'statement s':>11} {'bare SQL s':>10} {'target s':>9}")
        worst = 0.0
        for contract in contracts():
            before = runs.request_statement(contract=contract, month=month.previous(), by=None, send=False)
            runs.execute_statement(before.pk)
            request = runs.request_statement(contract=contract, month=month, by=None, send=False)
            started = time.perf_counter()
            statement = runs.execute_statement(request.pk)
            seconds = time.perf_counter() - started
            if statement.status != "done":
                raise SystemExit(f"{contract.reference} failed: {statement.error}")
            bare, counted = bare_sql(contract)
            target = 2 * bare + 1
            months = sum(statement.lines.values_list("actual_months", flat=True))
            if months != counted:
                raise SystemExit(
                    f"{contract.reference}: the statement counts {months}, the bare SQL {counted}"
                )
            worst = max(worst, seconds / target)
            verdict = "ok" if seconds <= target else "OVER"
            print(
                f"{contract.reference:14} {months:>8,} {seconds:>11.2f} {bare:>10.2f} {target:>9.2f} {verdict}"
            )
        print(f"worst statement / target: {worst:.2f}")
        from django.db import connections

        connections.close_all()


@contextlib.contextmanager
def kept_reports_database(cases: int) -> Iterator[str]:
    url = f"{SERVER}/camhs_bench_reports_{cases}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    yield url


if __name__ == "__main__":
    main()
