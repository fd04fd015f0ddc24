"""State changes of statements: agreement by each side, challenges of a line and their answers. Each in one
transaction, ending with the audit event."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.audit import Action, record
from accounts.models import Role, User
from camhs_pbr.runs.models import RunStatus
from payments.models import Challenge, Contract, Statement


class StatementRefused(ValueError):
    """A change of a statement its user may not make now, with the reason in words."""


def _party(user: User, statement: Statement) -> str:
    """ "commissioner" or "provider": the side `user` signs for; refused for anyone else."""
    if not Contract.objects.in_scope_of(user).filter(pk=statement.contract_id).exists():
        raise StatementRefused(
            "Only the contract's commissioner and the provider's service managers may do this."
        )
    return "commissioner" if user.role == Role.COMMISSIONER else "provider"


def agree_statement(*, statement: Statement, by: User) -> Statement:
    """Record `by`'s side's agreement (with the time); the statement is agreed, and immutable, once both
    sides have agreed."""
    side = _party(by, statement)
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
    if _party(by, statement) != "commissioner":
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
    if _party(by, challenge.statement) != "provider":
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
