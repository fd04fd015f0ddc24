"""Statement runs (issue 32) on the run platform: requesting the statement of a contract and month (a
restatement when that month is agreed), and computing it (the one code path of the Celery task, the page
and the command).

Months of care in a grouping the price list does not name count as UNGROUPED (unpriced activity is paid at
UNGROUPED's price, £0 unless the list says otherwise): every month of care lands on one line.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.audit import Action, Outcome, record
from accounts.models import User
from camhs_pbr.runs import lifecycle
from camhs_pbr.runs.models import RunStatus
from payments import financial_year
from payments.indicators import OutcomeCounts, outcome_counts
from payments.models import UNGROUPED, Contract, Statement, StatementLine
from payments.months_of_care import contract_cases, months_of_care_over
from payments.risk_share import Corridor, Indicator, Line, Previous, Settlement, pennies, settle
from reports.periods import Month


class StatementRequestError(ValueError):
    """A statement asked for a month outside the contract's financial year."""


def request_statement(*, contract: Contract, month: Month, by: User | None, send: bool = True) -> Statement:
    """The statement of `contract` for `month`, queued (sent on commit with `send`; else the caller executes
    it). Its draft is computed again in place (both sides' agreement cleared: the figures may change); an
    agreed month gets a restatement, the next version beside it; a run already queued or running is joined."""
    if financial_year.start_year_of(month.first) != contract.financial_year:
        raise StatementRequestError(
            f"{month.label()} is not in {contract.reference}'s financial year {contract.year_label}."
        )
    with transaction.atomic():
        latest = (
            Statement.objects.select_for_update()
            .filter(contract=contract, period=month.first)
            .order_by("-version")
            .first()
        )
        if latest is None:
            version, restates = 1, None
        elif latest.agreed:
            version, restates = latest.version + 1, latest
        else:
            version, restates = latest.version, latest.restates
        key = {"contract": contract, "period": month.first, "version": version}
        cleared = {
            "restates": restates,
            "commissioner_agreed_by": None,
            "commissioner_agreed_at": None,
            "provider_agreed_by": None,
            "provider_agreed_at": None,
        }
        return lifecycle.request(Statement, key=key, by=by, send=send, **cleared).run


def execute_statement(run_id: int) -> Statement:
    """Compute the statement and replace its lines in one transaction; a failure is recorded on the run
    (failed, the reason in words) and the statement returned."""
    lifecycle.start(Statement, run_id, finished_too=True)
    started = timezone.now()
    try:
        statement = Statement.objects.select_related("contract__price_list").get(pk=run_id)
        contract = statement.contract
        month = Month.containing(statement.period)
        with lifecycle.heartbeat(Statement, run_id):
            lines, counts = statement_lines(contract, month)
            lifecycle.beat(Statement, run_id)
            money = settle(
                lines,
                months_so_far=financial_year.months_so_far(month),
                corridor=corridor_of(contract),
                outcome_share=contract.outcome_share,
                indicators=indicators_of(contract, counts),
                previous=previous_of(contract, month),
            )
        with transaction.atomic():
            Statement.objects.select_for_update().filter(pk=run_id).get()
            StatementLine.objects.filter(statement_id=run_id).delete()
            StatementLine.objects.bulk_create(
                StatementLine(
                    statement_id=run_id,
                    position=n,
                    grouping=v.grouping,
                    planned_months=v.planned_months.quantize(Decimal("0.0001")),
                    actual_months=v.actual_months,
                    price=v.price,
                    plan_value=pennies(v.plan_value),
                    activity_value=pennies(v.activity_value),
                    variance=pennies(v.variance),
                )
                for n, v in enumerate(money.lines)
            )
            lifecycle.finish(Statement, run_id, **_fields(contract, counts, money), data_as_of=started)
    except Exception as error:
        lifecycle.fail_with_error(Statement, run_id, error)
    finished = Statement.objects.get(pk=run_id)
    outcome = Outcome.DONE if finished.status == RunStatus.DONE else Outcome.FAILED
    record(Action.EXECUTE_STATEMENT, by=None, target=finished, outcome=outcome)
    return finished


def statement_lines(contract: Contract, month: Month) -> tuple[list[Line], OutcomeCounts]:
    """One line per grouping of the contract's price list (UNGROUPED last), year to date, and the outcome
    counts of the 12 months to `month`."""
    prices = contract.price_list.prices()
    prices.setdefault(UNGROUPED, Decimal(0))
    plan = dict(contract.plan.values_list("grouping", "planned_months"))
    cases = contract_cases(contract.commissioner_id, contract.provider_id)
    counted = months_of_care_over(cases, financial_year.months_to_date(month))
    unpriced = sum(n for grouping, n in counted.items() if grouping not in prices)
    counted = Counter({g: n for g, n in counted.items() if g in prices})
    counted[UNGROUPED] += unpriced
    ordered = sorted(prices, key=lambda code: (code == UNGROUPED, code))
    lines = [Line(code, Decimal(plan.get(code, 0)), counted[code], prices[code]) for code in ordered]
    return lines, outcome_counts(cases, month)


def corridor_of(contract: Contract) -> Corridor:
    return Corridor(
        band=contract.corridor, rate=contract.marginal_rate, cap=contract.cap, floor=contract.floor
    )


def indicators_of(contract: Contract, counts: OutcomeCounts) -> list[Indicator]:
    return [
        Indicator("paired", counts.paired_share, contract.paired_target),
        Indicator("improved", counts.improved_share, contract.improved_target),
    ]


def previous_of(contract: Contract, month: Month) -> Previous:
    """The month before's payable year to date as it stands (its first agreed version, else its latest
    computed one) and as restated since (its latest version, when later than the standing one). In April,
    or for a month before with no statement, what it would be now (computed, not stored)."""
    if financial_year.months_so_far(month) == 1:
        return Previous()
    before = month.previous()
    versions = list(
        Statement.objects.filter(contract=contract, period=before.first, data_as_of__isnull=False).order_by(
            "version"
        )
    )
    if not versions:
        lines, counts = statement_lines(contract, before)
        money = settle(
            lines,
            months_so_far=financial_year.months_so_far(before),
            corridor=corridor_of(contract),
            outcome_share=contract.outcome_share,
            indicators=indicators_of(contract, counts),
        )
        return Previous(standing=money.payable_ytd)
    agreed = [s for s in versions if s.agreed]
    standing = agreed[0] if agreed else versions[-1]
    latest = versions[-1]
    assert standing.payable_ytd is not None and latest.payable_ytd is not None
    restated = latest.payable_ytd if latest.version > standing.version else None
    return Previous(standing=standing.payable_ytd, restated=restated)


def _fields(contract: Contract, counts: OutcomeCounts, money: Settlement) -> dict[str, Any]:
    return {
        "price_list_id": contract.price_list_id,
        "outcome_share": contract.outcome_share,
        "corridor": contract.corridor,
        "marginal_rate": contract.marginal_rate,
        "cap": contract.cap,
        "floor": contract.floor,
        "paired_target": contract.paired_target,
        "improved_target": contract.improved_target,
        "closed_episodes": counts.closed,
        "paired_episodes": counts.paired,
        "improved_episodes": counts.improved,
        "paired_share": _share(counts.paired_share),
        "improved_share": _share(counts.improved_share),
        "achievement": _share(money.achievement),
        "plan_value": money.plan_value,
        "activity_value": money.activity_value,
        "variance": money.variance,
        "corridor_adjustment": money.corridor_adjustment,
        "payable_before_outcome": money.payable_before_outcome,
        "outcome_withheld": money.outcome_withheld,
        "outcome_earned": money.outcome_earned,
        "payable_ytd": money.payable_ytd,
        "previous_payable_ytd": money.payable_ytd - money.payment_this_month,
        "carried_over": money.carried_over,
        "payment_this_month": money.payment_this_month,
    }


def _share(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.000001"))
