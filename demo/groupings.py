"""Demo Current Views, suggestions and allocations, vectorised: one Current View per accepted case."""

import datetime as dt

import numpy as np

from assessments.current_view_items import ALL_ITEMS, ITEMS
from assessments.models import Case, CurrentView
from demo.stamps import Stamps, stamped_as_given
from groupings.models import Allocation, OverrideReason, RulesVersion, Suggestion
from groupings.reviews import review_due
from groupings.rules import RuleOutcomes, suggest_arrays

BATCH = 5000
ALLOCATION_MINUTES = 10  # a grouping is allocated shortly after the Current View that suggested it
# (item, share of cases whose main difficulty it is)
MAIN_PROBLEMS = [
    ("p09", 0.2),
    ("p03", 0.14),
    ("p14", 0.14),
    ("p15", 0.1),
    ("p10", 0.08),
    ("p02", 0.07),
    ("p28", 0.06),
    ("p20", 0.04),
    ("p04", 0.04),
    ("p19", 0.04),
    ("p23", 0.03),
    ("p12", 0.02),
    ("p11", 0.01),
    ("p21", 0.03),
]
OVERRIDE_TEXT = {
    OverrideReason.CLINICAL_JUDGEMENT: "Presentation fits the chosen grouping better.",
    OverrideReason.FAMILY_PREFERENCE: "Family prefer to start with this focus.",
    OverrideReason.NEW_INFORMATION: "School report received after the Current View.",
    OverrideReason.OTHER: "Agreed at team formulation meeting.",
}


def ratings(count: int, rng: np.random.Generator) -> np.ndarray:
    """count x 50 int8 codes, -1 = Not known: one main difficulty, a little else, a few sparse forms."""
    severity = np.array([item.response_scale == "severity" for item in ITEMS])
    codes = np.where(
        severity,
        rng.choice([0, 1, 2, -1], size=(count, 50), p=[0.84, 0.1, 0.04, 0.02]),
        rng.choice([0, 1, -1], size=(count, 50), p=[0.86, 0.1, 0.04]),
    ).astype(np.int8)
    names, shares = zip(*MAIN_PROBLEMS, strict=True)
    main = rng.choice(len(names), size=count, p=np.array(shares) / sum(shares))
    columns = np.array([ALL_ITEMS.index(name) for name in names])[main]
    codes[np.arange(count), columns] = rng.choice([2, 3], size=count, p=[0.65, 0.35])
    sparse = rng.random(count) < 0.03
    codes[np.ix_(sparse, np.arange(12))] = -1
    return codes


def seed_grouping_history(
    cases: list[Case], clinicians: dict, rng: np.random.Generator, as_of: dt.date, codes: np.ndarray
) -> int:
    """One Current View per accepted case (`codes`: its ratings, from `ratings`), its suggestion and its
    allocation."""
    rules_version = RulesVersion.objects.get(is_current=True)
    grouping_ids = dict(rules_version.groupings.values_list("code", "pk"))
    months = dict(rules_version.groupings.values_list("pk", "review_months"))
    accepted = [(case, accepted_on) for case in cases if (accepted_on := case.accepted_date)]
    result = suggest_arrays(codes, rules_version.ruleset())
    delay = rng.integers(0, 15, size=len(accepted))
    stamps = Stamps.until(as_of)
    views = []
    for i, (case, accepted_on) in enumerate(accepted):
        on = min(accepted_on + dt.timedelta(days=int(delay[i])), case.closed_date or as_of, as_of)
        staff = clinicians[case.team_id]
        clinician = staff[i % len(staff)]
        values = {
            item: (None if code < 0 else int(code)) for item, code in zip(ALL_ITEMS, codes[i], strict=True)
        }
        views.append(
            CurrentView(
                case_id=case.pk,
                completed_on=on,
                reason="first_contact",
                practitioner_id=clinician.pk,
                recorded_by_id=clinician.pk,
                recorded_at=stamps.working_time(on, i),
                **values,
            )
        )
    with stamped_as_given(
        (CurrentView, "recorded_at"), (Suggestion, "created_at"), (Allocation, "allocated_at")
    ):
        views = CurrentView.objects.bulk_create(views, batch_size=BATCH)
        suggestions = _suggestions(views, result, rules_version, grouping_ids)
        Allocation.objects.bulk_create(
            _allocations(accepted, views, suggestions, grouping_ids, months, rng, stamps), batch_size=BATCH
        )
    return len(views)


def _suggestions(
    views: list[CurrentView], result: RuleOutcomes, rules_version: RulesVersion, grouping_ids: dict[str, int]
) -> list[Suggestion]:
    """Each made when its Current View was saved."""
    return Suggestion.objects.bulk_create(
        [
            Suggestion(
                current_view_id=view.pk,
                rules_version_id=rules_version.pk,
                grouping_id=grouping_ids.get(result.grouping[i]),
                rule=result.rule[i],
                complexity_count=int(result.complexity_count[i]),
                attendance_flag=bool(result.attendance_flag[i]),
                risk_flag=bool(result.risk_flag[i]),
                created_at=view.recorded_at,
            )
            for i, view in enumerate(views)
        ],
        batch_size=BATCH,
    )


def _allocations(
    accepted: list[tuple[Case, dt.date]],
    views: list[CurrentView],
    suggestions: list[Suggestion],
    grouping_ids: dict[str, int],
    months: dict[int, int],
    rng: np.random.Generator,
    stamps: Stamps,
) -> list[Allocation]:
    """One per Current View, most as suggested, some overridden with a reason; each allocated on the day
    the Current View was completed, a few minutes after it was recorded."""
    all_groupings = list(grouping_ids.values())
    reasons = list(OVERRIDE_TEXT)
    follows = rng.random(len(views)) < 0.78
    pick = rng.integers(0, len(all_groupings), size=len(views))
    why = rng.integers(0, len(reasons), size=len(views))
    allocations = []
    for i, ((case, _), view, suggestion) in enumerate(zip(accepted, views, suggestions, strict=True)):
        if suggestion.grouping_id and follows[i]:
            chosen, category, text = suggestion.grouping_id, "", ""
        else:
            chosen = all_groupings[pick[i]]
            if chosen == suggestion.grouping_id:
                chosen = all_groupings[(pick[i] + 1) % len(all_groupings)]
            category = reasons[why[i]]
            text = OVERRIDE_TEXT[category]
        allocations.append(
            Allocation(
                case_id=case.pk,
                grouping_id=chosen,
                suggestion_id=suggestion.pk,
                suggested_grouping_id=suggestion.grouping_id,
                start_date=view.completed_on,
                end_date=case.closed_date,
                review_due=review_due(view.completed_on, months[chosen]),
                allocated_by_id=view.practitioner_id,
                reason_category=category,
                reason_text=text,
                allocated_at=stamps.capped(view.recorded_at + dt.timedelta(minutes=ALLOCATION_MINUTES)),
            )
        )
    return allocations
