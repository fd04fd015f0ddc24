"""Aggregates for managers: where a rules version would move open cases, and agreement with suggestions.

A grouping with an add-on counts as its own category, "GH03 + GA02" (selectors.pair_code_expression), on both
sides: a case allocated GH03 that a version suggests as GH03 + GA02 moves, and an allocation agrees with its
suggestion only when both the grouping and the add-on match.
"""

import pandas as pd
from django.db.models import Case as DbCase
from django.db.models import Count, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

from assessments.models import Case, CurrentView
from groupings.agreement import Agreement, agreement_by
from groupings.models import Allocation, RulesVersion, Suggestion
from groupings.selectors import pair_code_expression

NONE_ALLOCATED = "None allocated"
NOT_YET_RUN = "Not yet run"
NO_CURRENT_VIEW = "No Current View"
NO_SUGGESTION = "No suggestion"


def movement(user, rules_version: RulesVersion) -> pd.DataFrame:
    """Counts of open cases in the user's scope by (current allocation, new suggestion of `rules_version`)."""
    latest = CurrentView.objects.filter(case=OuterRef("pk")).order_by("-completed_on", "-pk").values("pk")[:1]
    current = (
        Allocation.objects.filter(case=OuterRef("pk"), end_date__isnull=True)
        .annotate(pair=pair_code_expression("grouping__code", "add_on_grouping__code"))
        .values("pair")[:1]
    )
    suggested = (
        Suggestion.objects.filter(current_view=OuterRef("latest"), rules_version=rules_version)
        .annotate(
            label=Coalesce(
                pair_code_expression("grouping__code", "add_on_grouping__code"), Value(NO_SUGGESTION)
            )
        )
        .values("label")[:1]
    )
    rows = (
        Case.objects.visible_to(user)
        .open()
        .annotate(latest=Subquery(latest))
        .annotate(
            from_code=Coalesce(Subquery(current), Value(NONE_ALLOCATED)),
            to_code=Coalesce(
                Subquery(suggested),
                DbCase(When(latest__isnull=True, then=Value(NO_CURRENT_VIEW)), default=Value(NOT_YET_RUN)),
            ),
        )
        .values("from_code", "to_code")
        .annotate(cases=Count("pk"))
        .order_by()
    )
    table = pd.DataFrame.from_records(rows, columns=["from_code", "to_code", "cases"])
    table["moves"] = table["from_code"] != table["to_code"]
    return table.sort_values(["cases", "from_code"], ascending=[False, True], ignore_index=True)


def allocation_agreement(user) -> dict[str, Agreement]:
    """Agreement of allocations with their suggestions, per team and overall, in the user's scope."""
    rows = (
        Allocation.objects.filter(case__in=Case.objects.visible_to(user), suggestion__isnull=False)
        .annotate(
            suggested=Coalesce(
                pair_code_expression("suggested_grouping__code", "suggested_add_on_grouping__code"),
                Value(NO_SUGGESTION),
            ),
            allocated=pair_code_expression("grouping__code", "add_on_grouping__code"),
        )
        .values("case__team__name", "suggested", "allocated")
        .annotate(n=Count("pk"))
        .order_by()
    )
    pairs = pd.DataFrame.from_records(rows)
    if pairs.empty:
        return {}
    pairs = pairs.rename(columns={"case__team__name": "team"})
    return agreement_by(pairs, "team")
