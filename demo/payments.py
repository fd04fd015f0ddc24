"""Demo contracts and statements, so `make run` shows payment at once (issue 32).

Two contracts for the financial year of the last complete month: Demo ICB North with Northshire (an
outcome-linked share of 5%, a corridor of 5% and a marginal rate of 50%) and Demo ICB South with Southvale
(block-like: s = 0, a 5% band). Prices are proposed from the demo's own costs (every grouping's mean cost per
month of care; UNGROUPED stays at £0); the plan is the months of care of the twelve months before the year.
Statements for the last three months of the year so far: the first agreed by both sides; the second agreed,
then restated after a late grouping is recorded (its difference carried into the third, a draft).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from accounts.models import Commissioner, Provider, Role, User
from groupings.models import Allocation, Grouping
from groupings.selectors import current_rules_version
from payments import financial_year, runs, services
from payments.models import UNGROUPED, Contract, PlanLine, Statement
from payments.months_of_care import contract_cases, counted_in, months_of_care_over
from payments.price_evidence import proposals_for
from reports.periods import Month

CONTRACTS = (
    # reference, commissioner, provider, outcome share, marginal rate
    ("DEMO-QDN-N", "QDN", "DEMO-N", Decimal("0.05"), Decimal("0.5")),
    ("DEMO-QDS-S", "QDS", "DEMO-S", Decimal("0"), Decimal("0")),
)
STATEMENT_MONTHS = 3


def seed_demo_payments(as_of: dt.date) -> int:
    """Contracts, price lists and statements of the demo; returns the number of statements computed."""
    last = Month.containing(as_of).previous()
    year = financial_year.start_year_of(last.first)
    months = [m for m in last.trailing(STATEMENT_MONTHS) if financial_year.start_year_of(m.first) == year]
    computed = 0
    for reference, icb, trust, outcome_share, rate in CONTRACTS:
        contract = _contract(reference, icb, trust, year, last, outcome_share, rate)
        statements = []
        for n, month in enumerate(months):
            statement = _compute(contract, month)
            computed += 1
            if n < len(months) - 1:
                statement = _agree(statement)
            statements.append(statement)
        if len(statements) >= 2:
            _record_a_late_grouping(contract, months[1])
            _compute(contract, months[1])  # a restatement beside the agreed one
            _compute(contract, months[-1])  # the draft, carrying the difference
            computed += 2
    return computed


def _contract(
    reference: str, icb: str, trust: str, year: int, last: Month, outcome_share: Decimal, rate: Decimal
) -> Contract:
    commissioner = Commissioner.objects.get(code=icb)
    provider = Provider.objects.get(code=trust)
    proposed = {
        p.grouping: p.mean
        for p in proposals_for(commissioner.pk, provider.pk, last)
        if p.grouping != UNGROUPED
    }
    prices = services.new_price_list(
        commissioner=commissioner,
        provider=provider,
        prices=proposed,
        valid_from=dt.date(year, 4, 1),
        price_base_year=financial_year.label(year),
        source=f"proposed from the demo's costs of episodes closed in the 12 months to {last.label()}",
        by=None,
    )
    contract = Contract.objects.create(
        reference=reference,
        commissioner=commissioner,
        provider=provider,
        financial_year=year,
        price_list=prices,
        outcome_share=outcome_share,
        paired_target=Decimal("0.6"),
        improved_target=Decimal("0.4"),
        marginal_rate=rate,
    )
    before = financial_year.months_of(year - 1)
    history = months_of_care_over(contract_cases(commissioner.pk, provider.pk), before)
    PlanLine.objects.bulk_create(
        PlanLine(contract=contract, grouping=code, planned_months=Decimal(history.get(code, 0)))
        for code in prices.prices()
        if code != UNGROUPED
    )
    return contract


def _compute(contract: Contract, month: Month) -> Statement:
    requested = runs.request_statement(contract=contract, month=month, by=None, send=False)
    return runs.execute_statement(requested.pk)


def _agree(statement: Statement) -> Statement:
    contract = statement.contract
    commissioner = _party(Role.COMMISSIONER, commissioner=contract.commissioner)
    manager = _party(Role.SERVICE_MANAGER, provider=contract.provider)
    services.agree_statement(statement=statement, by=commissioner)
    return services.agree_statement(statement=statement, by=manager)


def _party(role: str, **organisation: object) -> User:
    """The demo's user of that role and organisation, or a demo signatory made for it."""
    found = User.objects.filter(role=role, **organisation).order_by("pk").first()
    if found is not None:
        return found
    org = next(iter(organisation.values()))
    code = getattr(org, "code", "x").lower()
    made = User(
        username=f"{role}.{code}", first_name="Demo", last_name="Signatory", role=role, **organisation
    )
    made.set_unusable_password()
    made.save()
    return made


def _record_a_late_grouping(contract: Contract, month: Month) -> None:
    """A grouping corrected late: one case's allocation in force in `month` moved to the dearest grouping of
    the price list (as if its review were entered after the month was agreed), so a recomputation restates
    the month. The allocation is changed in place: every accepted case keeps one Current View and one
    allocation, as the rest of the demo."""
    cases = contract_cases(contract.commissioner_id, contract.provider_id)
    prices = {g: p for g, p in contract.price_list.prices().items() if g != UNGROUPED}
    dearest = max(prices, key=lambda g: prices[g], default=None)
    chosen = Grouping.objects.filter(rules_version=current_rules_version(), code=dearest).first()
    case = counted_in(cases, month).exclude(grouping__in=[UNGROUPED, dearest]).order_by("pk").first()
    if case is None or chosen is None:
        return
    closed_in_month = case.closed_date is not None and case.closed_date <= month.last
    day = case.closed_date - dt.timedelta(days=1) if closed_in_month else month.last
    in_force = case.allocations.filter(start_date__lte=day).exclude(end_date__lte=day).first()
    if in_force is not None:
        Allocation.objects.filter(pk=in_force.pk).update(
            grouping=chosen,
            reason_category="other",
            reason_text="Corrected late (demo): the review was entered after the month was agreed.",
        )
