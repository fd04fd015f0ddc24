"""The evidence for proposed prices: the episodes of a commissioner's population at a provider closed in the
12 months to a month, each with its grouping at closure, its cost (the cost report's costing, in SQL) and
its months of care (payments.proposals)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from assessments.models import Contact
from groupings.models import Grouping
from payments.indicators import closed_in_year_to
from payments.months_of_care import contract_cases
from payments.proposals import Episode, Proposal, months_between, propose
from reports.cost_report import ATTENDED, costed, refuse_uncosted
from reports.periods import UNGROUPED, Month, with_grouping_pk_at_closure


def closed_episodes(commissioner_id: int, provider_id: int, month: Month) -> list[Episode]:
    episodes = closed_in_year_to(contract_cases(commissioner_id, provider_id), month)
    rows = list(
        with_grouping_pk_at_closure(episodes).values_list("pk", "grouping_pk", "accepted_date", "closed_date")
    )
    contacts = Contact.objects.filter(case__in=episodes.values("pk"))
    refuse_uncosted(contacts)
    costs = dict(
        costed(contacts)
        .values("case_id")
        .annotate(cost=Sum("contact_cost", filter=ATTENDED))
        .values_list("case_id", "cost")
    )
    codes = dict(Grouping.objects.filter(pk__in={r[1] for r in rows if r[1]}).values_list("pk", "code"))
    return [
        Episode(
            grouping=codes.get(grouping_pk, UNGROUPED),
            cost=Decimal(costs.get(pk) or 0),
            months_of_care=months_between((accepted.year, accepted.month), (closed.year, closed.month)),
        )
        for pk, grouping_pk, accepted, closed in rows
    ]


def proposals_for(commissioner_id: int, provider_id: int, month: Month) -> list[Proposal]:
    """Proposed prices per month of care, per grouping, from the 12 months to `month`."""
    return propose(closed_episodes(commissioner_id, provider_id, month))
