"""Human edits carry the version their page showed: a second writer is told what changed and loses nothing."""

import datetime as dt
import threading

import pytest
from django.db import connection

from assessments import services
from assessments.models import Case, Goal, MeasureResponse
from assessments.scoring import Answers
from tests import factories
from tests.support.forms import keyed

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(service):
    return factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))


def cgas(case, clinician, score=50):
    return services.record_measure(
        by=clinician,
        case=case,
        measure="cgas",
        informant="clinician",
        completed_on=dt.date(2025, 2, 1),
        answers=Answers({1: score}),
    )


class TestDischarge:
    def test_a_stale_discharge_is_refused_and_the_first_is_kept(self, service, case):
        seen = case.version
        services.discharge_case(
            by=service["clinician"],
            case=case,
            closed_date=dt.date(2025, 6, 1),
            discharge_reason="completed",
            version=seen,
        )
        who = service["clinician"].display_name
        with pytest.raises(
            services.EditConflict, match=f"closed by {who} at .*discharged on 01/06/2025, treatment completed"
        ):
            services.discharge_case(
                by=service["clinician"],
                case=case,
                closed_date=dt.date(2025, 7, 1),
                discharge_reason="declined",
                version=seen,
            )
        stored = Case.objects.get(pk=case.pk)
        assert (stored.closed_date, stored.discharge_reason) == (dt.date(2025, 6, 1), "completed")

    def test_the_discharge_page_keeps_the_input_and_shows_the_other_discharge(self, client, service, case):
        client.force_login(service["clinician"])
        form = {"closed_date": "2025-06-01", "discharge_reason": "completed", "version": case.version}
        client.post(f"/cases/{case.pk}/discharge/", form)
        page = client.post(
            f"/cases/{case.pk}/discharge/",
            form | {"closed_date": "2025-07-02", "discharge_reason": "declined"},
        )
        html = page.content.decode()
        assert page.status_code == 200
        assert "While you had this page open, it was closed by" in html and "01/06/2025" in html
        assert "2025-07-02" in html or "02/07/2025" in html, html
        assert Case.objects.get(pk=case.pk).closed_date == dt.date(2025, 6, 1)

    def test_a_stale_reopening_is_refused(self, service, case):
        clinician = service["clinician"]
        closed = services.discharge_case(
            by=clinician, case=case, closed_date=dt.date(2025, 6, 1), discharge_reason="completed", version=1
        )
        services.reopen_case(by=clinician, case=closed, reason="first", version=closed.version)
        with pytest.raises(services.EditConflict, match=f"reopened by {clinician.display_name}"):
            services.reopen_case(by=clinician, case=closed, reason="second", version=closed.version)


class TestCorrection:
    def test_a_stale_correction_is_refused_and_the_newer_one_is_kept(self, service, case):
        response = cgas(case, service["clinician"])
        seen = response.version
        services.correct_measure(
            by=service["clinician"], response=response, answers=Answers({1: 60}), version=seen
        )
        with pytest.raises(
            services.EditConflict,
            match=f"these answers were corrected by {service['clinician'].display_name} at",
        ):
            services.correct_measure(
                by=service["clinician"], response=response, answers=Answers({1: 40}), version=seen
            )
        assert MeasureResponse.objects.get().typed_answers().items == {1: 60}

    def test_the_correction_page_keeps_the_input_and_saving_again_applies_it(self, client, service, case):
        response = cgas(case, service["clinician"])
        client.force_login(service["clinician"])
        url = f"/cases/{case.pk}/measures/{response.pk}/correct/"
        client.post(url, {"completed_on": "2025-02-01", "cgas": "60", "version": "1"})
        page = client.post(url, {"completed_on": "2025-02-01", "cgas": "45", "version": "1"}).content.decode()
        assert "these answers were corrected by" in page and 'value="45"' in page, page[page.find("<h1") :]
        assert 'name="version" value="2"' in page
        client.post(url, {"completed_on": "2025-02-01", "cgas": "45", "version": "2"})
        assert MeasureResponse.objects.get().typed_answers().items == {1: 45}


class TestGoals:
    def agree(self, case, clinician, description, version=0):
        return services.set_goal(
            by=clinician,
            case=case,
            number=1,
            description=description,
            agreed_on=dt.date(2025, 2, 1),
            version=version,
        )

    def test_a_second_agreement_of_the_same_goal_is_a_conflict(self, service, case):
        self.agree(case, service["clinician"], "Go to school")
        with pytest.raises(services.EditConflict, match="goal 1 was agreed by .* at"):
            self.agree(case, service["clinician"], "Sleep better")
        assert Goal.objects.get().description == "Go to school"

    def test_rewording_with_the_current_version_replaces_the_goal(self, service, case):
        goal = self.agree(case, service["clinician"], "Go to school")
        self.agree(case, service["clinician"], "Go to school three days a week", version=goal.version)
        with pytest.raises(services.EditConflict, match="goal 1 was changed by .* at"):
            self.agree(case, service["clinician"], "Stale words", version=goal.version)
        assert Goal.objects.get().description == "Go to school three days a week"

    def test_the_goal_page_shows_the_conflict_and_keeps_the_words(self, client, service, case):
        self.agree(case, service["clinician"], "Go to school")
        client.force_login(service["clinician"])
        form = keyed({"number": "1", "description": "See friends", "agreed_on": "2025-02-01"})
        page = client.post(
            f"/cases/{case.pk}/goals/new/", form | {"version_1": "0", "version_2": "0", "version_3": "0"}
        ).content.decode()
        assert "goal 1 was agreed by" in page and "See friends" in page
        assert Goal.objects.get().description == "Go to school"


@pytest.mark.django_db(transaction=True)
def test_of_twenty_concurrent_saves_of_a_new_goal_one_succeeds_and_the_others_are_told(reference_data):
    from accounts.models import Role

    team = factories.team()
    clinician = factories.user(Role.CLINICIAN, teams=(team,))
    case = factories.case(team, referral_date=dt.date(2025, 1, 6))
    outcomes: list[str] = []
    start = threading.Barrier(20)

    def save(n: int) -> None:
        try:
            start.wait()
            services.set_goal(
                by=clinician, case=case, number=1, description=f"goal {n}", agreed_on=dt.date(2025, 2, 1)
            )
            outcomes.append("saved")
        except services.EditConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 19 + ["saved"]
    assert Goal.objects.count() == 1
