"""Migration 0016 re-scores stored SDQ and HoNOSCA responses by today's rules and leaves their answers alone."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import connection

from assessments.models import ChangeThreshold, MeasureResponse, MeasureScore, ScoringRules
from tests import factories

pytestmark = pytest.mark.django_db
migration = importlib.import_module("assessments.migrations.0016_rescore_sdq_impact_and_honosca_sections")

# A parent SDQ stored before the overall question: items all "Somewhat true", impact areas partly answered.
OLD_SDQ_ANSWERS = {str(n): 1 for n in range(1, 26)} | {
    "distress": 3,
    "home_life": 2,
    "friendships": None,
    "classroom_learning": 0,
    "leisure_activities": None,
}
# What the old scorer stored for it: impact missing because two impact areas were blank.
OLD_SDQ_SCORES = {
    "emotional": 5,
    "conduct": 5,
    "hyperactivity": 5,
    "peer": 5,
    "prosocial": 5,
    "total_difficulties": 20,
    "impact": None,
}
# A HoNOSCA stored before section B: scales 1-13, scale 4 not known, the rest rated 2.
OLD_HONOSCA_ANSWERS = {str(n): 2 for n in range(1, 14)} | {"4": None}


@pytest.fixture
def stored(service):
    case = factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))
    rules = ScoringRules.objects.get(is_current=True)

    def response(measure, informant, answers, scores):
        stored = MeasureResponse.objects.create(
            case=case,
            measure=measure,
            informant=informant,
            completed_on=dt.date(2025, 2, 1),
            answers=answers,
            scoring_rules=rules,
            recorded_by=service["clinician"],
        )
        MeasureScore.objects.bulk_create(
            MeasureScore(response=stored, scale=scale, value=value) for scale, value in scores.items()
        )
        return stored

    # The reference data as seeded before: the HoNOSCA threshold row under "total".
    ChangeThreshold.objects.filter(measure="honosca").update(scale="total")
    return {
        "sdq": response("sdq", "parent", OLD_SDQ_ANSWERS, OLD_SDQ_SCORES),
        "honosca": response("honosca", "clinician", OLD_HONOSCA_ANSWERS, {"total": 24}),
        "rcads": response("rcads", "self", {str(n): 1 for n in range(1, 48)}, {"total": 47}),
    }


def raw_answers() -> list[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, answers::text FROM assessments_measureresponse ORDER BY id")
        return cursor.fetchall()


def scores(response) -> dict:
    return dict(MeasureScore.objects.filter(response=response).values_list("scale", "value"))


def test_stored_responses_are_rescored_and_their_answers_are_byte_identical(stored):
    before = raw_answers()
    updated_at = list(MeasureResponse.objects.order_by("pk").values_list("updated_at", flat=True))

    migration.rescore(apps, None)

    assert raw_answers() == before
    assert list(MeasureResponse.objects.order_by("pk").values_list("updated_at", flat=True)) == updated_at
    # Impact by the published rule: blank areas count 0 once one is answered: 2 + 1 + 0 + 0 + 0 = 3.
    assert scores(stored["sdq"]) == OLD_SDQ_SCORES | {"externalising": 10, "internalising": 10, "impact": 3}
    # The old "total" was the section A total; the total of 15 counts 14 and 15 as not known (3 of 15).
    assert scores(stored["honosca"]) == {"section_a_total": 24, "total": 24}
    assert scores(stored["rcads"]) == {"total": 47}  # other measures are left alone


def test_the_honosca_change_threshold_moves_to_the_section_a_total(stored):
    migration.rescore(apps, None)

    assert set(ChangeThreshold.objects.filter(measure="honosca").values_list("scale", flat=True)) == {
        "section_a_total"
    }


def test_a_response_is_rescored_with_the_missing_data_rules_it_was_scored_under(stored):
    strict = ScoringRules.objects.create(
        label="strict", rcads_max_missing_per_subscale=0, honosca_max_not_known=0
    )
    MeasureResponse.objects.filter(pk=stored["honosca"].pk).update(scoring_rules=strict)

    migration.rescore(apps, None)

    assert scores(stored["honosca"]) == {"section_a_total": None, "total": None}


def test_rescoring_twice_changes_nothing_more(stored):
    migration.rescore(apps, None)
    once = {key: scores(response) for key, response in stored.items()}
    migration.rescore(apps, None)

    assert {key: scores(response) for key, response in stored.items()} == once


def test_reversing_puts_the_section_a_total_back_under_total(stored):
    migration.rescore(apps, None)
    migration.unscore(apps, None)

    assert scores(stored["honosca"]) == {"total": 24}
    assert set(scores(stored["sdq"])) == set(OLD_SDQ_SCORES)
    assert set(ChangeThreshold.objects.filter(measure="honosca").values_list("scale", flat=True)) == {"total"}
