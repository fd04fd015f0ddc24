"""Outcome measures recorded on a case: stored answers, stored scores, corrections, pairing and change."""

import datetime as dt

import pandas as pd
import pytest

from accounts.models import Role
from assessments import outcomes, services
from assessments.models import ChangeThreshold, MeasureResponse, ScoringRules
from assessments.scoring import Answers
from tests import factories
from tests.support.forms import keyed

pytestmark = pytest.mark.django_db

# SDQ answers (raw codes, before reverse scoring) with every emotional item "Certainly true" (2).
EMOTIONAL = {n: 2 for n in (3, 8, 13, 16, 24)}


def sdq(case, clinician, on, answers, informant="parent"):
    full = Answers(items={n: 0 for n in range(1, 26)} | answers)
    return services.record_measure(
        by=clinician, case=case, measure="sdq", informant=informant, completed_on=on, answers=full
    )


@pytest.fixture
def case(service):
    return factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))


def scores(response) -> dict:
    return dict(response.scores.values_list("scale", "value"))


def test_scores_are_stored_with_the_response(service, case):
    response = sdq(case, service["clinician"], dt.date(2025, 2, 1), EMOTIONAL)
    stored = scores(response)
    # Not true (0) on the reverse-scored items 7, 11, 14, 21, 25 scores 2 each.
    assert stored["emotional"] == 10 and stored["conduct"] == 2 and stored["peer"] == 4
    assert stored["hyperactivity"] == 4 and stored["total_difficulties"] == 20 and stored["prosocial"] == 0
    assert stored["externalising"] == 6 and stored["internalising"] == 14
    assert stored["impact"] is None
    assert response.scoring_rules.is_current


def test_correcting_an_answer_recomputes_the_scores(service, case):
    response = sdq(case, service["clinician"], dt.date(2025, 2, 1), EMOTIONAL)
    answers = Answers(items=dict(response.typed_answers().items) | {3: None, 8: None, 13: None})
    services.correct_measure(
        by=service["clinician"], response=response, answers=answers, version=response.version
    )
    stored = scores(MeasureResponse.objects.get(pk=response.pk))
    assert stored["emotional"] is None and stored["total_difficulties"] is None  # 2 of 5 answered -> missing


def test_the_missing_data_rules_come_from_reference_data(service, case):
    rcads = Answers(items={n: 1 for n in range(1, 48)} | {5: None, 9: None})  # two separation items missing
    response = services.record_measure(
        by=service["clinician"],
        case=case,
        measure="rcads",
        informant="self",
        completed_on=dt.date(2025, 2, 1),
        answers=rcads,
    )
    assert scores(response)["separation"] is None
    ScoringRules.objects.update(rcads_max_missing_per_subscale=2)
    services.correct_measure(
        by=service["clinician"], response=response, answers=rcads, version=response.version
    )
    assert scores(MeasureResponse.objects.get(pk=response.pk))["separation"] == 7  # 5 x 1 / 5 answered x 7


def test_honosca_not_known_scales_are_left_out_of_the_total(service, case):
    ratings = Answers(items={n: 2 for n in range(1, 14)} | {4: None, 5: None})
    response = services.record_measure(
        by=service["clinician"],
        case=case,
        measure="honosca",
        informant="clinician",
        completed_on=dt.date(2025, 2, 1),
        answers=ratings,
    )
    # 2 of 13 section A scales not known; with section B not recorded, 4 of 15: the total of 15 is missing
    assert scores(response) == {"section_a_total": 22, "total": None}


def test_first_and_latest_scores_are_paired_per_measure_scale_and_informant():
    frame = pd.DataFrame(
        [
            ("sdq", "parent", "total_difficulties", dt.date(2025, 1, d), d, v)
            for d, v in ((1, 20), (9, None), (5, 14))
        ]
        + [("sdq", "teacher", "total_difficulties", dt.date(2025, 1, 2), 2, 18)],
        columns=["measure", "informant", "scale", "completed_on", "response_id", "value"],
    )
    pairs = outcomes.first_and_latest(frame)
    assert pairs.to_dict("records") == [
        {
            "measure": "sdq",
            "informant": "parent",
            "scale": "total_difficulties",
            "first": 20,
            "latest": 14,
            "n": 2,
        }
    ]


def test_reliable_improvement_and_recovery_use_the_editable_thresholds(service, case):
    clinician = service["clinician"]
    sdq(case, clinician, dt.date(2025, 2, 1), EMOTIONAL)  # total 20
    sdq(case, clinician, dt.date(2025, 6, 1), {})  # total 10: the reverse-scored items only
    history = next(h for h in outcomes.histories(case) if h.informant == "parent")
    total = next(c for c in history.changes if c.scale == "total_difficulties")
    assert (total.first, total.latest) == (20, 10)
    # threshold 1.96 x 5.8 x sqrt(2 x 0.2) = 7.2 < 10; from 20 >= 17 (clinical) to 10 < 17
    assert total.category == "reliably improved" and total.recovered is True
    ChangeThreshold.objects.filter(measure="sdq", scale="total_difficulties", informant="parent").update(
        sd1=20
    )
    total = next(c for c in outcomes.histories(case)[0].changes if c.scale == "total_difficulties")
    assert total.category == "no reliable change" and total.recovered is False


def test_goals_are_agreed_and_rated_over_time(service, case):
    clinician = service["clinician"]
    services.set_goal(
        by=clinician, case=case, number=1, description="Go to school every day", agreed_on=dt.date(2025, 2, 1)
    )
    for on, rating in ((dt.date(2025, 2, 1), 2), (dt.date(2025, 5, 1), 7)):
        services.record_measure(
            by=clinician,
            case=case,
            measure="goals",
            informant="self",
            completed_on=on,
            answers=Answers({1: rating}),
        )
    history = outcomes.histories(case)[0]
    change = history.changes[0]
    assert (change.scale, change.first, change.latest, change.category) == (
        "goal_1",
        2,
        7,
        "reliably improved",
    )
    assert change.recovered is None  # goals have no caseness cut-off
    assert history.chart is not None
    assert [p.label for p in history.chart.lines[0].points] == ["01/02/2025: 2", "01/05/2025: 7"]


class TestPages:
    def form(self, **answers):
        return keyed({"completed_on": "2025-02-01", **{str(k): str(v) for k, v in answers.items()}})

    def test_a_clinician_records_an_sdq_and_sees_its_scores_on_the_case_page(self, client, service, case):
        client.force_login(service["clinician"])
        response = client.post(
            f"/cases/{case.pk}/measures/sdq/parent/new/",
            self.form(**({str(n): 0 for n in range(1, 26)} | {"3": 2, "8": 2, "13": 2, "16": 2, "24": 2})),
        )
        assert response.status_code == 302
        page = client.get(f"/cases/{case.pk}/").content.decode()
        assert "SDQ (Parent or carer)" in page and "<polyline" in page
        assert '<td class="text-end">20</td>' in page

    def test_the_teacher_sdq_asks_the_teacher_impact_questions(self, client, service, case):
        client.force_login(service["clinician"])
        page = client.get(f"/cases/{case.pk}/measures/sdq/teacher/new/").content.decode()
        assert "Peer relationships" in page and "Home life" not in page

    def test_an_empty_form_is_refused_and_saves_nothing(self, client, service, case):
        client.force_login(service["clinician"])
        response = client.post(f"/cases/{case.pk}/measures/rcads/self/new/", self.form())
        assert "No item is answered: nothing to save." in response.content.decode()
        assert not MeasureResponse.objects.exists()

    def test_a_cgas_outside_1_to_100_is_refused(self, client, service, case):
        client.force_login(service["clinician"])
        response = client.post(f"/cases/{case.pk}/measures/cgas/clinician/new/", self.form(cgas=0))
        assert "CGAS score must be a whole number from 1 to 100." in response.content.decode()
        assert not MeasureResponse.objects.exists()

    def test_an_unknown_measure_or_informant_answers_404(self, client, service, case):
        client.force_login(service["clinician"])
        assert client.get(f"/cases/{case.pk}/measures/sdq/clinician/new/").status_code == 404
        assert client.get(f"/cases/{case.pk}/measures/phq9/self/new/").status_code == 404

    def test_correcting_through_the_page_recomputes(self, client, service, case):
        response = sdq(case, service["clinician"], dt.date(2025, 2, 1), EMOTIONAL)
        client.force_login(service["clinician"])
        answers = {k: ("" if v is None else v) for k, v in response.answers.items()} | {"3": "0"}
        client.post(f"/cases/{case.pk}/measures/{response.pk}/correct/", self.form(version=1, **answers))
        assert scores(MeasureResponse.objects.get(pk=response.pk))["emotional"] == 8

    def test_measures_of_another_teams_case_answer_404(self, client, service, case):
        response = sdq(case, service["clinician"], dt.date(2025, 2, 1), EMOTIONAL)
        client.force_login(factories.user(Role.CLINICIAN, teams=(service["team_b"],)))
        assert client.get(f"/cases/{case.pk}/measures/{response.pk}/correct/").status_code == 404
        assert client.get(f"/cases/{case.pk}/measures/sdq/parent/new/").status_code == 404
