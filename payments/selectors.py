"""Reads of payment, already scoped: each side sees only the contracts it is a party to
(`Contract.objects.in_scope_of`), and the cases behind a line only through `Case.objects.visible_to`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from assessments.models import Case
from groupings.models import Grouping
from groupings.selectors import current_rules_version
from payments import financial_year
from payments.models import Challenge, Contract, Statement, StatementLine
from payments.months_of_care import cases_behind, contract_cases
from reports.periods import UNGROUPED, UNGROUPED_NAME, Month


def contracts_for(user: User) -> QuerySet[Contract]:
    return Contract.objects.in_scope_of(user).select_related("commissioner", "provider", "price_list")


def contract_for(user: User, pk: int) -> Contract:
    found = contracts_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No contract of yours has this number.")
    return found


def statement_for(user: User, pk: int) -> Statement:
    found = (
        Statement.objects.in_scope_of(user)
        .select_related("contract__commissioner", "contract__provider", "price_list", "restates")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No statement of yours has this number.")
    return found


def challenge_for(user: User, pk: int) -> Challenge:
    found = Challenge.objects.filter(statement__in=Statement.objects.in_scope_of(user), pk=pk).first()
    if found is None:
        raise Http404("No challenge of yours has this number.")
    return found


@dataclass(frozen=True)
class LineDifference:
    """A restatement's line against the agreed version it restates."""

    line: StatementLine
    months_before: int | None
    activity_before: Decimal | None
    name: str = ""  # the grouping in words (code and name), "Not grouped" for UNGROUPED

    @property
    def months_change(self) -> int | None:
        return None if self.months_before is None else self.line.actual_months - self.months_before

    @property
    def activity_change(self) -> Decimal | None:
        return None if self.activity_before is None else self.line.activity_value - self.activity_before


def lines_with_differences(statement: Statement) -> list[LineDifference]:
    """The statement's lines, with what the agreed version it restates had on the same grouping."""
    before: dict[str, tuple[int | None, Decimal | None]] = {}
    if statement.restates_id is not None:
        before = {
            g: (n, v)
            for g, n, v in StatementLine.objects.filter(statement_id=statement.restates_id).values_list(
                "grouping", "actual_months", "activity_value"
            )
        }
    lines = list(statement.lines.all())
    names = grouping_names({line.grouping for line in lines})
    result = []
    for line in lines:
        months_before, activity_before = before.get(line.grouping, (None, None))
        result.append(LineDifference(line, months_before, activity_before, names[line.grouping]))
    return result


def grouping_names(codes: set[str]) -> dict[str, str]:
    """Each grouping code as people read it, "GH03 Getting Help: Depression" (the names of the current rules
    version; a code it does not name stays a code), and UNGROUPED as "Not grouped"."""
    named = dict(
        Grouping.objects.filter(rules_version=current_rules_version(), code__in=codes).values_list(
            "code", "name"
        )
    )
    return {
        code: UNGROUPED_NAME if code == UNGROUPED else f"{code} {named[code]}" if code in named else code
        for code in codes
    }


def cases_of_line(user: User, statement: Statement, grouping: str) -> list[tuple[Case, int]]:
    """The cases behind one line (year to date) that `user` may see, with their months of care in it:
    the one scoping rule decides (a commissioner sees none)."""
    contract = statement.contract
    visible = Case.objects.visible_to(user)
    cases = contract_cases(contract.commissioner_id, contract.provider_id).filter(pk__in=visible.values("pk"))
    months = cases_behind(cases, financial_year.months_to_date(Month.containing(statement.period)), grouping)
    found = Case.objects.filter(pk__in=months).select_related("patient", "team").order_by("team__name", "pk")
    return [(case, months[case.pk]) for case in found]
