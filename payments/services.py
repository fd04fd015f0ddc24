"""State changes of payment: agreement of a statement by each side, challenges of a line and their answers,
contracts loaded from a file, new price list versions. Each in one transaction, ending with the audit event."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.audit import Action, record
from accounts.models import Commissioner, Provider, Role, User
from camhs_pbr.runs.models import RunStatus
from payments import financial_year
from payments.contract_file import ContractTerms
from payments.models import UNGROUPED, Challenge, Contract, PlanLine, PriceList, PriceListLine, Statement
from payments.risk_share import pennies


class StatementRefused(ValueError):
    """A change of a statement its user may not make now, with the reason in words."""


def _party(user: User, contract_id: int) -> str:
    """The side `user` signs for in the contract, "commissioner" or "provider"; refused for anyone else."""
    if not Contract.objects.in_scope_of(user).filter(pk=contract_id).exists():
        raise StatementRefused(
            "Only the contract's commissioner and the provider's service managers may do this."
        )
    return "commissioner" if user.role == Role.COMMISSIONER else "provider"


def agree_statement(*, statement: Statement, by: User) -> Statement:
    """Record `by`'s side's agreement (with the time); the statement is agreed, and immutable, once both
    sides have agreed."""
    side = _party(by, statement.contract_id)
    with transaction.atomic():
        current = Statement.objects.select_for_update().get(pk=statement.pk)
        if current.status != RunStatus.DONE or not current.computed:
            raise StatementRefused("The statement is being computed: agree it once it is done.")
        if current.agreed:
            raise StatementRefused("The statement is already agreed by both sides.")
        if getattr(current, f"{side}_agreed_at") is not None:
            raise StatementRefused(f"The {side} has already agreed this statement.")
        Statement.objects.filter(pk=current.pk).update(
            **{f"{side}_agreed_by": by, f"{side}_agreed_at": timezone.now()}
        )
        record(Action.AGREE_STATEMENT, by=by, target=current, changed=[f"{side}_agreed_at"])
    return Statement.objects.get(pk=statement.pk)


def challenge_line(*, statement: Statement, grouping: str, reason: str, by: User) -> Challenge:
    """A commissioner's challenge of one line, with the reason."""
    if _party(by, statement.contract_id) != "commissioner":
        raise StatementRefused("Only the commissioner challenges a line; the provider answers.")
    reason = reason.strip()
    if not reason:
        raise StatementRefused("Say why you challenge this line.")
    if not statement.lines.filter(grouping=grouping).exists():
        raise StatementRefused(f"The statement has no line {grouping}.")
    with transaction.atomic():
        challenge = Challenge.objects.create(
            statement=statement, grouping=grouping, reason=reason, raised_by=by
        )
        record(Action.CHALLENGE_STATEMENT, by=by, target=challenge)
    return challenge


def answer_challenge(*, challenge: Challenge, answer: str, by: User) -> Challenge:
    """The provider's answer to a challenge (a later answer replaces it, with its author and time)."""
    if _party(by, challenge.statement.contract_id) != "provider":
        raise StatementRefused("Only the provider's service managers answer a challenge.")
    answer = answer.strip()
    if not answer:
        raise StatementRefused("Write the answer.")
    with transaction.atomic():
        Challenge.objects.filter(pk=challenge.pk).update(
            answer=answer, answered_by=by, answered_at=timezone.now()
        )
        record(Action.ANSWER_CHALLENGE, by=by, target=challenge, changed=["answer"])
    return Challenge.objects.get(pk=challenge.pk)


def load_contracts(*, contracts: list[ContractTerms], by: User | None, source: str) -> list[Contract]:
    """Create (or, while none of its statements is agreed, replace the terms and plan of) each contract of
    a checked file, each with a new price list version of the file's prices; all or nothing."""
    loaded = []
    with transaction.atomic():
        for terms in contracts:
            commissioner = Commissioner.objects.get(code=terms.commissioner_code)
            provider = Provider.objects.get(code=terms.provider_code)
            existing = Contract.objects.select_for_update().filter(reference=terms.reference).first()
            if existing is not None and Statement.objects.agreed().filter(contract=existing).exists():
                raise StatementRefused(
                    f"{terms.reference} has an agreed statement: its terms cannot change; load it under a new reference."
                )
            prices = new_price_list(
                commissioner=commissioner,
                provider=provider,
                prices=terms.prices,
                valid_from=dt.date(terms.financial_year, 4, 1),
                price_base_year=financial_year.label(terms.financial_year),
                source=source,
                by=by,
            )
            fields = {
                "commissioner": commissioner,
                "provider": provider,
                "financial_year": terms.financial_year,
                "price_list": prices,
                "outcome_share": terms.outcome_share,
                "corridor": terms.corridor,
                "marginal_rate": terms.share,
            }
            contract, _ = Contract.objects.update_or_create(reference=terms.reference, defaults=fields)
            PlanLine.objects.filter(contract=contract).delete()
            PlanLine.objects.bulk_create(
                PlanLine(contract=contract, grouping=g, planned_months=n) for g, n in terms.plan.items()
            )
            record(Action.LOAD_CONTRACT, by=by, target=contract)
            loaded.append(contract)
    return loaded


def new_price_list(
    *,
    commissioner: Commissioner,
    provider: Provider,
    prices: dict[str, Decimal],
    valid_from: dt.date,
    price_base_year: str,
    source: str,
    by: User | None,
) -> PriceList:
    """The next price list version of a commissioner and provider (UNGROUPED at £0 unless priced)."""
    with transaction.atomic():
        latest = (
            PriceList.objects.select_for_update()
            .filter(commissioner=commissioner, provider=provider)
            .order_by("-version")
            .first()
        )
        made = PriceList.objects.create(
            commissioner=commissioner,
            provider=provider,
            version=1 if latest is None else latest.version + 1,
            valid_from=valid_from,
            price_base_year=price_base_year,
            source=source,
            made_by=by,
        )
        lines = {UNGROUPED: Decimal(0), **prices}
        PriceListLine.objects.bulk_create(
            PriceListLine(price_list=made, grouping=g, price=p) for g, p in lines.items()
        )
        record(Action.ADOPT_PRICE_LIST, by=by, target=made)
    return made


def adopt_prices(*, contract: Contract, prices: dict[str, Decimal], source: str, by: User) -> PriceList:
    """A new price list version for the contract's commissioner and provider: its current prices with the
    accepted or edited lines of a proposal (`prices`; a rejected line is left out, so keeps its price), and
    the contract's price list from now on. Statements already computed keep the version they used."""
    if _party(by, contract.pk) != "provider":
        raise StatementRefused("Prices are proposed and adopted by the provider's service managers.")
    if any(price < 0 for price in prices.values()):
        raise StatementRefused("A price cannot be negative.")
    with transaction.atomic():
        current = contract.price_list
        made = new_price_list(
            commissioner=contract.commissioner,
            provider=contract.provider,
            prices={**current.prices(), **{g: pennies(p) for g, p in prices.items()}},
            valid_from=timezone.localdate(),
            price_base_year=current.price_base_year,
            source=source,
            by=by,
        )
        Contract.objects.filter(pk=contract.pk).update(price_list=made)
    return made
