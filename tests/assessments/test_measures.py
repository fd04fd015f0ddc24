"""The measure registry: every layer reads one spec per measure, and the specs agree with themselves."""

import dataclasses
import datetime as dt

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from assessments import limits, measures, services
from assessments.measure_forms import MeasureForm
from assessments.measures import CGAS, GOALS, HONOSCA, MEASURES, RCADS, SDQ, Entry, MeasureSpec
from assessments.models import Case, Goal, Informant, Measure, MeasureResponse
from assessments.reference import CHANGE_THRESHOLDS
from assessments.scoring import SPEC_MISSING_DATA_RULES, Answers, MissingDataRules
from assessments.selectors import measure_links
from tests import factories
from tests.support.forms import keyed

SPECS = list(MEASURES.values())
by_code = pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.code)


def test_the_database_choices_are_the_registered_measures():
    assert Measure.choices == [(spec.code, spec.label) for spec in SPECS]


def test_an_unknown_measure_is_refused_naming_the_known_ones():
    with pytest.raises(ValueError, match="unknown measure 'phq9': expected one of sdq, rcads, honosca"):
        measures.measure("phq9")


@by_code
def test_every_score_column_has_a_range_and_the_headline_and_batch_columns_are_score_columns(spec):
    assert set(spec.score_ranges) == set(spec.score_columns)
    assert all(low < high for low, high in spec.score_ranges.values())
    assert spec.headline_scales and set(spec.headline_scales) <= set(spec.score_columns)
    assert set(spec.batch_score_columns) <= set(spec.score_columns)
    assert {scale.name for scale in spec.scales} <= set(spec.score_columns)


@by_code
def test_every_scale_is_made_of_registered_items_and_reverses_only_its_own(spec):
    for scale in spec.scales:
        assert set(scale.items) <= set(spec.items)
        assert scale.reversed_items <= set(scale.items)


@by_code
def test_informants_are_database_choices_and_impact_items_exist_for_each_one(spec):
    assert set(spec.informants) <= set(Informant.values)
    if spec.impact_responses is not None:
        assert set(spec.impact_items) == set(spec.informants)
        areas = {area for areas in spec.impact_items.values() for area in areas}
        assert areas == set(spec.impact_labels)


def test_each_reference_missing_data_rule_is_read_by_exactly_one_measure():
    rules = [spec.missing_data_rule for spec in SPECS if spec.missing_data_rule is not None]
    assert sorted(rules) == sorted(field.name for field in dataclasses.fields(MissingDataRules))


def test_every_measure_and_informant_has_a_link_to_record_it():
    links = {(code, informant) for code, informant, _ in measure_links()}
    assert links == {(spec.code, informant) for spec in SPECS for informant in spec.informants}
    assert ("sdq", "parent", "SDQ (parent or carer)") in measure_links()


def test_each_headline_score_has_a_change_threshold_from_every_informant():
    seeded = {(code, scale, informant) for code, scale, informant, *_ in CHANGE_THRESHOLDS}
    expected = {
        (spec.code, scale, informant)
        for spec in SPECS
        for scale in spec.headline_scales
        for informant in spec.informants
    }
    assert expected <= seeded


def answers_of(spec: MeasureSpec, informant: str) -> st.SearchStrategy[Answers]:
    """Any answers a clinician could enter on the measure's form."""
    if spec.responses is None:
        assert spec.limit is not None
        code = st.integers(spec.limit.low, spec.limit.high)
    else:
        code = st.sampled_from([option.code for option in spec.responses.options] + [None])
    items = st.fixed_dictionaries({item: code for item in spec.items})
    impact: st.SearchStrategy[dict[str, int | None]] = st.just({})
    if spec.impact_responses is not None:
        impact_code = st.sampled_from([None, *range(len(spec.impact_responses.options))])
        impact = st.fixed_dictionaries({key: impact_code for key in spec.supplement_of(informant)})
    return st.builds(Answers, items=items, impact=impact)


@st.composite
def any_response(draw) -> tuple[MeasureSpec, str, Answers]:
    spec = draw(st.sampled_from(SPECS))
    informant = draw(st.sampled_from(spec.informants))
    return spec, informant, draw(answers_of(spec, informant))


@given(any_response())
def test_the_scorer_gives_the_registered_columns_within_their_ranges(response):
    spec, informant, answers = response
    scores = measures.score_answers(spec.code, informant, answers, SPEC_MISSING_DATA_RULES)
    if spec is GOALS:  # a goal left unrated has no score
        assert set(scores) <= set(spec.score_columns)
    else:
        assert tuple(scores) == spec.score_columns
    for column, value in scores.items():
        low, high = spec.score_ranges[column]
        assert value is None or low <= value <= high, column


@given(any_response())
def test_stored_answers_read_back_as_the_same_typed_answers(response):
    spec, _, answers = response
    stored = spec.answers_to_json(answers)
    assert all(isinstance(key, str) for key in stored)
    assert spec.answers_from_json(stored) == answers


def test_the_stored_json_keeps_its_shape():
    assert SDQ.answers_to_json(Answers({1: 0, 2: None}, {"distress": 3})) == {
        "1": 0,
        "2": None,
        "distress": 3,
    }
    assert CGAS.answers_to_json(Answers({1: 57})) == {"cgas": 57}
    assert CGAS.answers_from_json({"cgas": 57}) == Answers({1: 57})


@pytest.mark.parametrize(
    ("spec", "stored"), [(RCADS, {"distress": 1}), (SDQ, {"26": 0}), (GOALS, {"cgas": 50}), (SDQ, {"1": "2"})]
)
def test_stored_answers_that_the_measure_does_not_have_are_refused(spec, stored):
    with pytest.raises(ValueError, match=spec.label):
        spec.answers_from_json(stored)


def test_honosca_not_known_is_9_on_forms_and_in_csv_cells_and_none_inside():
    assert HONOSCA.responses is not None
    assert HONOSCA.responses.code_of("9") is None
    assert HONOSCA.responses.cell_codes["9"] is None
    assert HONOSCA.responses.words[-1] == "Not known"


def test_the_batch_vocabulary_of_each_measure():
    assert SDQ.responses is not None and RCADS.responses is not None and HONOSCA.responses is not None
    assert SDQ.responses.accepted == "Not true, Somewhat true, Certainly true or 0-2"
    assert SDQ.responses.name == "an SDQ response"
    assert SDQ.responses.cell_codes["somewhat true"] == SDQ.responses.cell_codes["1"] == 1
    assert RCADS.responses.accepted == "Never, Sometimes, Often, Always or 0-3"
    assert HONOSCA.responses.accepted == "0-4, or 9 for not known"
    assert dict(HONOSCA.responses.cell_codes) == {"": None, "0": 0, "1": 1, "2": 2, "3": 3, "4": 4, "9": None}
    assert [spec.code for spec in SPECS if spec.batch_score_columns] == ["sdq", "rcads", "honosca"]
    assert SDQ.batch_score_columns[-3:] == ("externalising", "internalising", "impact")
    assert HONOSCA.batch_score_columns == ("section_a_total", "total")
    assert HONOSCA.batch_optional_items == (14, 15)
    assert SDQ.overall_responses is not None
    assert SDQ.overall_responses.accepted == (
        "No, Yes: minor difficulties, Yes: definite difficulties, Yes: severe difficulties or 0-3"
    )


def test_a_batch_row_is_scored_into_the_batch_columns_only():
    scores = SDQ.score_batch_row(dict.fromkeys(SDQ.items, 1), SPEC_MISSING_DATA_RULES)
    assert tuple(scores) == SDQ.batch_score_columns
    assert scores["total_difficulties"] == 20
    assert scores["impact"] is None
    supplement = {"overall_difficulties": 3, "distress": 3, "peer_relationships": 2}
    teacher = SDQ.score_batch_row({}, SPEC_MISSING_DATA_RULES, "teacher", supplement)
    assert teacher["impact"] == 3


def test_the_sdq_stores_the_overall_answer_beside_the_impact_areas():
    answers = Answers({1: 2}, {"overall_difficulties": 0, "distress": 3})
    stored = SDQ.answers_to_json(answers)
    assert stored == {"1": 2, "overall_difficulties": 0, "distress": 3}
    assert SDQ.answers_from_json(stored) == answers
    with pytest.raises(ValueError, match="HoNOSCA has no item 'overall_difficulties'"):
        HONOSCA.answers_from_json({"overall_difficulties": 0})


def test_an_sdq_stored_before_the_overall_question_reads_back_without_it():
    stored = {"1": 2, "distress": 3, "home_life": None}
    assert SDQ.answers_from_json(stored) == Answers({1: 2}, {"distress": 3, "home_life": None})


class TestForms:
    @pytest.mark.parametrize(
        ("spec", "informant"),
        [
            (spec, informant)
            for spec in SPECS
            if spec.entry is not Entry.GOAL_SELECTS
            for informant in spec.informants
        ],
    )
    def test_the_spec_lays_out_the_form_fields(self, spec, informant):
        form = MeasureForm(case=Case(), measure=spec.code, informant=informant)
        supplement = list(spec.supplement_of(informant))
        assert form.item_names() == [spec.item_key(item) for item in spec.items] + supplement
        if spec.responses is not None:
            radios = form.fields[spec.item_key(spec.items[0])].widget
            assert isinstance(radios, forms.RadioSelect)
            choices = [value for value, _ in radios.choices]
            assert choices == [option.value for option in spec.responses.options]

    def test_a_made_up_measure_spec_drives_the_form(self, monkeypatch):
        two_items = dataclasses.replace(RCADS, code="mini", items=(1, 2), item_label="Question", scales=())
        monkeypatch.setattr(measures, "MEASURES", {**MEASURES, "mini": two_items})
        form = MeasureForm(case=Case(), measure="mini", informant="self")
        assert form.item_names() == ["1", "2"]
        assert form.fields["2"].label == "Question 2"

    def test_the_cgas_form_refuses_a_score_with_the_limit_message(self):
        form = MeasureForm(
            {"completed_on": "", "cgas": "101"}, case=Case(), measure="cgas", informant="clinician"
        )
        assert form.errors["cgas"] == ["CGAS score must be a whole number from 1 to 100."]
        assert limits.CGAS_SCORE.message in str(form.errors["cgas"])


@pytest.mark.django_db
class TestRecordedThroughTheForms:
    @pytest.fixture
    def case(self, service):
        return factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))

    def test_a_honosca_scale_rated_9_is_stored_as_not_known(self, client, service, case):
        client.force_login(service["clinician"])
        ratings = {str(n): "2" for n in range(1, 16)} | {"4": "9", "15": "1"}
        client.post(
            f"/cases/{case.pk}/measures/honosca/clinician/new/",
            keyed({"completed_on": "2025-02-01", **ratings}),
        )
        response = MeasureResponse.objects.get()
        assert response.answers["4"] is None
        assert response.answers["15"] == 1
        assert dict(response.scores.values_list("scale", "value")) == {"section_a_total": 24, "total": 27}

    def test_the_honosca_form_shows_section_a_and_section_b(self, client, service, case):
        client.force_login(service["clinician"])
        page = client.get(f"/cases/{case.pk}/measures/honosca/clinician/new/").content.decode()
        assert "Section A" in page and "Section B (information and access)" in page
        assert "Scale 15" in page

    def test_an_sdq_with_overall_no_and_impact_items_ticked_scores_impact_0(self, client, service, case):
        client.force_login(service["clinician"])
        items = {str(n): "1" for n in range(1, 26)}
        impact = dict.fromkeys(("distress", "peer_relationships", "classroom_learning"), "3")
        client.post(
            f"/cases/{case.pk}/measures/sdq/teacher/new/",
            keyed({"completed_on": "2025-02-01", **items, "overall_difficulties": "0", **impact}),
        )
        response = MeasureResponse.objects.get()
        assert response.answers["overall_difficulties"] == 0
        assert response.answers["distress"] == 3
        scores = dict(response.scores.values_list("scale", "value"))
        assert scores["impact"] == 0
        assert (scores["externalising"], scores["internalising"]) == (10, 10)
        page = client.get(f"/cases/{case.pk}/measures/{response.pk}/correct/").content.decode()
        assert 'name="overall_difficulties" value="0" id="id_overall_difficulties_0"' in page
        assert 'aria-label="Overall difficulties: No" checked' in " ".join(page.split())

    def test_goals_are_rated_on_the_form_of_the_agreed_goals(self, client, service, case):
        for number in (1, 3):
            services.set_goal(
                by=service["clinician"],
                case=case,
                number=number,
                description=f"goal {number}",
                agreed_on=case.referral_date,
            )
        client.force_login(service["clinician"])
        page = client.get(f"/cases/{case.pk}/measures/goals/self/new/").content.decode()
        assert "Goal 1: goal 1" in page and "Goal 3: goal 3" in page and "Goal 2" not in page
        client.post(
            f"/cases/{case.pk}/measures/goals/self/new/",
            keyed({"completed_on": "2025-02-01", "1": "4", "3": ""}),
        )
        response = MeasureResponse.objects.get()
        assert response.answers == {"1": 4, "3": None}
        assert dict(response.scores.values_list("scale", "value")) == {"goal_1": 4}

    def test_a_fourth_goal_is_refused_by_the_database_with_the_limit_message(self, service, case):
        goal = Goal(
            case=case,
            number=limits.GOAL_NUMBER.high + 1,
            description="one too many",
            agreed_on=case.referral_date,
        )
        with pytest.raises(ValidationError, match=limits.GOAL_NUMBER.message):
            goal.validate_constraints()
