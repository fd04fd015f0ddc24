"""SDQ impact by the published rule, SDQ externalising and internalising, HoNOSCA section A total and total of
all 15 scales (issue 18): every stored SDQ and HoNOSCA response is re-scored; its answers are not touched.

The scores come from today's scorers (`assessments.scoring`) through today's reader of the stored answers
(`MeasureSpec.answers_from_json`), not from frozen copies: the point of the migration is to apply today's
rule to yesterday's answers. Each response is scored with the scoring rules it was scored under (its
`scoring_rules` row; the current row, else SPEC §6's, when it has none). The HoNOSCA score stored as
"total" before meant scales 1-13: it becomes "section_a_total", and its change threshold row moves with it.

Reversing keeps the new impact figures (the old rule is not kept anywhere to re-run) and puts each HoNOSCA
section A total back under "total".
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from assessments.measures import measure
from assessments.scoring import (
    SPEC_MISSING_DATA_RULES,
    MissingDataRules,
    score_honosca_answers,
    score_sdq_answers,
)

CHUNK = 2000
SCORERS = {"sdq": score_sdq_answers, "honosca": score_honosca_answers}


def rescore(apps, schema_editor):
    """Re-score every stored SDQ and HoNOSCA response, CHUNK responses at a time."""
    MeasureResponse = apps.get_model("assessments", "MeasureResponse")
    MeasureScore = apps.get_model("assessments", "MeasureScore")
    _move_thresholds(apps, "total", "section_a_total")
    params, default = _missing_data_rules(apps)
    after = 0
    while chunk := list(
        MeasureResponse.objects.filter(measure__in=SCORERS, pk__gt=after)
        .order_by("pk")
        .values_list("pk", "measure", "informant", "answers", "scoring_rules_id")[:CHUNK]
    ):
        after = chunk[-1][0]
        scores = {
            pk: _scores(pk, code, informant, answers, params.get(rules_id, default))
            for pk, code, informant, answers, rules_id in chunk
        }
        stale, changed, kept = [], [], set()
        for score in MeasureScore.objects.filter(response_id__in=scores):
            new = scores[score.response_id]
            if score.scale not in new:
                stale.append(score.pk)
                continue
            kept.add((score.response_id, score.scale))
            if score.value != new[score.scale]:
                score.value = new[score.scale]
                changed.append(score)
        MeasureScore.objects.filter(pk__in=stale).delete()
        MeasureScore.objects.bulk_update(changed, ["value"], batch_size=CHUNK)
        MeasureScore.objects.bulk_create(
            [
                MeasureScore(response_id=pk, scale=scale, value=value)
                for pk, new in scores.items()
                for scale, value in new.items()
                if (pk, scale) not in kept
            ],
            batch_size=CHUNK,
        )


def unscore(apps, schema_editor):
    """Put each HoNOSCA section A total back under "total"; drop the scores the old rules did not have."""
    MeasureScore = apps.get_model("assessments", "MeasureScore")
    section_a = MeasureScore.objects.filter(
        response_id=OuterRef("response_id"), scale="section_a_total"
    ).values("value")[:1]
    MeasureScore.objects.filter(response__measure="honosca", scale="total").update(value=Subquery(section_a))
    MeasureScore.objects.filter(response__measure="honosca", scale="section_a_total").delete()
    MeasureScore.objects.filter(response__measure="sdq", scale__in=["externalising", "internalising"]).delete()
    _move_thresholds(apps, "section_a_total", "total")


def _scores(pk, code, informant, answers, params):
    try:
        return SCORERS[code](measure(code).answers_from_json(answers), informant, params)
    except ValueError as error:
        raise ValueError(f"{code} response {pk} cannot be re-scored: {error}") from error


def _missing_data_rules(apps):
    ScoringRules = apps.get_model("assessments", "ScoringRules")
    params, default = {}, SPEC_MISSING_DATA_RULES
    for rules in ScoringRules.objects.all():
        params[rules.pk] = MissingDataRules(rules.rcads_max_missing_per_subscale, rules.honosca_max_not_known)
        if rules.is_current:
            default = params[rules.pk]
    return params, default


def _move_thresholds(apps, scale, to):
    """Rename the HoNOSCA change threshold rows of `scale` to `to`, where `to` has no row of its own."""
    ChangeThreshold = apps.get_model("assessments", "ChangeThreshold")
    taken = ChangeThreshold.objects.filter(measure="honosca", scale=to).values("informant")
    ChangeThreshold.objects.filter(measure="honosca", scale=scale).exclude(informant__in=taken).update(scale=to)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0015_patient_name_trigram_indexes")]

    operations = [
        migrations.AlterField(
            model_name="scoringrules",
            name="honosca_max_not_known",
            field=models.PositiveSmallIntegerField(
                help_text=(
                    "The section A total is missing when more than this many of its 13 scales are not known; "
                    "the total of all 15 scales when more than this many of the 15 are (or section A's is "
                    "missing)."
                )
            ),
        ),
        migrations.RunPython(rescore, unscore),
    ]
