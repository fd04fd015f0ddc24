"""A real Celery worker and PostgreSQL compute the statement of every contract the demo seeds, and each CSV's
months of care match an independent count in raw SQL (the issue's definition, written again by hand)."""

import datetime as dt
import time
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection

from payments import financial_year, runs, statement_files
from payments.models import UNGROUPED, Contract, Statement
from reports.periods import Month

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]
AS_OF = dt.date(2026, 10, 31)

MONTHS_OF_CARE = """
    SELECT COALESCE(g.code, 'UNGROUPED'), count(*)
    FROM assessments_case c
    JOIN accounts_team t ON t.id = c.team_id
    CROSS JOIN LATERAL (
        SELECT CASE WHEN c.closed_date BETWEEN %(first)s AND %(last)s
                    THEN c.closed_date - 1 ELSE %(last)s END AS day
    ) ref
    LEFT JOIN LATERAL (
        SELECT gr.code FROM groupings_allocation a JOIN groupings_grouping gr ON gr.id = a.grouping_id
        WHERE a.case_id = c.id AND a.start_date <= ref.day AND (a.end_date IS NULL OR a.end_date > ref.day)
        LIMIT 1
    ) g ON true
    WHERE c.commissioner_id = %(commissioner)s AND t.provider_id = %(provider)s
      AND c.accepted_date <= %(last)s AND (c.closed_date IS NULL OR c.closed_date >= %(first)s)
    GROUP BY 1
"""


def independent_count(contract: Contract, month: Month) -> Counter[str]:
    total: Counter[str] = Counter()
    with connection.cursor() as cursor:
        for m in financial_year.months_to_date(month):
            cursor.execute(
                MONTHS_OF_CARE,
                {
                    "first": m.first,
                    "last": m.last,
                    "commissioner": contract.commissioner_id,
                    "provider": contract.provider_id,
                },
            )
            total.update(dict(cursor.fetchall()))
    priced = set(contract.price_list.prices())
    folded: Counter[str] = Counter()
    for code, n in total.items():
        folded[code if code in priced else UNGROUPED] += n
    return folded


def test_every_demo_contracts_statement_on_a_worker_matches_an_independent_count(
    reference_data, celery_worker
):
    call_command("seed_demo", cases=150, seed=3, as_of=AS_OF, verbosity=0)
    contracts = list(Contract.objects.all())
    assert {c.marginal_rate for c in contracts} == {0, 0.5}  # the block-like one and the corridor one
    assert Statement.objects.agreed().exists() and Statement.objects.filter(version__gt=1).exists()
    month = Month.containing(AS_OF).previous()
    requested = [runs.request_statement(contract=c, month=month, by=None) for c in contracts]
    deadline = time.monotonic() + 120
    while Statement.objects.filter(
        pk__in=[s.pk for s in requested], status__in=["queued", "running"]
    ).exists():
        assert time.monotonic() < deadline, "the worker did not finish the statements"
        time.sleep(0.2)
    for contract, request in zip(contracts, requested, strict=True):
        statement = Statement.objects.get(pk=request.pk)
        assert statement.status == "done", statement.error
        lines = [line.split(",") for line in statement_files.csv_lines(statement)]
        counted = {cells[2]: int(cells[4]) for cells in lines[1:] if cells[4] and cells[2] != "TOTAL"}
        expected = independent_count(contract, month)
        assert counted == {code: expected.get(code, 0) for code in counted}, contract.reference
        assert sum(counted.values()) == sum(expected.values())
