"""Demo outcome measures: a parent SDQ at the start of a third of accepted cases, and a later one when the
case ran long enough; CGAS at the same points. Scored by the same pure functions as the web forms.

The SDQ's impact supplement (overall difficulties and the parent's impact areas) follows the same level as
its items, without drawing more random numbers, so the rest of the demo stays as it was."""

import datetime as dt

import numpy as np

from assessments.instruments import SDQ_OVERALL
from assessments.measures import SDQ, score_answers
from assessments.models import Case, MeasureResponse, MeasureScore
from assessments.scoring import Answers
from assessments.selectors import as_parameters, current_scoring_rules
from camhs_pbr.lib.copy_rows import insert_rows
from demo.stamps import Stamps, stamped_as_given

BATCH = 5000


def seed_outcomes(cases: list[Case], clinicians: dict, rng: np.random.Generator, as_of: dt.date) -> int:
    rules = current_scoring_rules()
    params = as_parameters(rules)
    chosen = [(case, start) for case in cases if (start := case.accepted_date) and rng.random() < 0.35]
    planned = []  # (case, measure, informant, date, answers)
    for case, start in chosen:
        end = min(case.closed_date or as_of, as_of)
        severity = rng.uniform(0.6, 1.6)
        improvement = rng.uniform(-0.2, 0.7)
        dates = [start] + ([start + (end - start) * 4 // 5] if (end - start).days > 90 else [])
        for visit, on in enumerate(dates):
            level = severity * (1 - improvement * visit)
            codes = np.clip(np.round(rng.normal(level, 0.7, size=len(SDQ.items))), 0, 2).astype(int)
            items: dict[int, int | None] = {
                item: int(code) for item, code in zip(SDQ.items, codes, strict=True)
            }
            items.update({int(n): None for n in rng.choice(SDQ.items, size=int(rng.random() < 0.1))})
            planned.append((case, "sdq", "parent", on, Answers(items=items, impact=_supplement(level))))
            cgas = int(np.clip(rng.normal(55 + 25 * improvement * visit, 8), 1, 100))
            planned.append((case, "cgas", "clinician", on, Answers(items={1: cgas})))
    stamps = Stamps.until(as_of)
    unsaved = []
    for index, (case, measure, informant, on, answers) in enumerate(planned):
        recorded_at = stamps.working_time(on, index)
        response = MeasureResponse(
            case_id=case.pk,
            measure=measure,
            informant=informant,
            completed_on=on,
            scoring_rules=rules,
            recorded_by_id=clinicians[case.team_id][0].pk,
            recorded_at=recorded_at,
            updated_at=recorded_at,
        )
        response.set_answers(answers)
        unsaved.append(response)
    with stamped_as_given((MeasureResponse, "recorded_at"), (MeasureResponse, "updated_at")):
        responses = MeasureResponse.objects.bulk_create(unsaved, batch_size=BATCH)
    insert_rows(
        MeasureScore,
        ("response_id", "scale", "value"),
        (
            (response.pk, scale, value)
            for response, (_, measure, informant, _, answers) in zip(responses, planned, strict=True)
            for scale, value in score_answers(measure, informant, answers, params).items()
        ),
        batch_size=BATCH,
    )
    return len(responses)


def _supplement(level: float) -> dict[str, int | None]:
    """The parent's overall-difficulties answer (0 No .. 3 severe) and impact codes (0-3) at a severity level;
    a parent answering No leaves the impact areas blank, as the questionnaire asks."""
    overall = int(np.digitize(level, [0.8, 1.05, 1.3]))
    areas = SDQ.impact_items["parent"]
    if overall == 0:
        return {SDQ_OVERALL: 0} | dict.fromkeys(areas, None)
    codes: dict[str, int | None] = {
        area: int(np.clip(round(level * 2 - 1 - 0.3 * n), 0, 3)) for n, area in enumerate(areas)
    }
    return {SDQ_OVERALL: overall} | codes
