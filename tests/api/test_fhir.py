"""The Current View in FHIR R4B: its Questionnaire, a QuestionnaireResponse suggested as Parameters, and
every refusal an OperationOutcome; each resource validated with fhir.resources' R4B models."""

import json
from pathlib import Path

import pytest
from django.urls import reverse
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.parameters import Parameters
from fhir.resources.R4B.questionnaire import Questionnaire

from assessments.current_view_items import ALL_ITEMS
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "fhir" / "questionnaire-response-example.json"


@pytest.fixture
def text(key_for):
    return key_for("provider", ["grouping"])


def suggest(client, text, body):
    data = body if isinstance(body, str) else json.dumps(body)
    url = reverse("api:fhir_suggest")
    return client.post(url, data, content_type="application/fhir+json", **bearer(text))


def test_the_current_view_is_a_questionnaire(client, text):
    response = client.get(reverse("api:fhir_questionnaire"), **bearer(text))
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/fhir+json"
    questionnaire = Questionnaire.model_validate(response.json())
    assert [item.linkId for item in questionnaire.item or []] == [*ALL_ITEMS, "age"]
    assert questionnaire.url == json.loads(EXAMPLE.read_text())["questionnaire"]


def test_the_example_response_is_suggested_as_parameters_equal_to_the_json_api(client, text):
    response = suggest(client, text, EXAMPLE.read_text())
    assert response.status_code == 200
    parameters = Parameters.model_validate(response.json())
    got = {
        parameter.name: next(
            value
            for value in (parameter.valueString, parameter.valueInteger, parameter.valueBoolean)
            if value is not None
        )
        for parameter in parameters.parameter or []
    }
    plain = client.post(
        reverse("api:suggestions"),
        json.dumps({"items": {"p09": "Moderate", "p10": "Not known", "c31": "No"}, "age": 14}),
        content_type="application/json",
        **bearer(text),
    ).json()["suggestion"]
    assert got == {name: value for name, value in plain.items() if value is not None}


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"resourceType": "Patient"}, "resourceType"),
        ({"resourceType": "QuestionnaireResponse", "status": "completed", "item": "p01"}, "item"),
        ({"resourceType": "QuestionnaireResponse", "status": "completed", "colour": 1}, "colour"),
        (
            {"resourceType": "QuestionnaireResponse", "status": "completed", "questionnaire": "http://x/Q/1"},
            "questionnaire",
        ),
        (
            {
                "resourceType": "QuestionnaireResponse",
                "status": "completed",
                "item": [{"linkId": "p01", "answer": [{"valueCoding": {"code": "7"}}]}],
            },
            "items.p01",
        ),
        (
            {
                "resourceType": "QuestionnaireResponse",
                "status": "completed",
                "item": [{"linkId": "p99", "answer": [{"valueCoding": {"code": "1"}}]}],
            },
            "items.p99",
        ),
        (
            {
                "resourceType": "QuestionnaireResponse",
                "status": "completed",
                "item": [{"linkId": "p01", "answer": [{"valueString": "Mild"}]}],
            },
            "item[0]",
        ),
        ("[" * 50_000, "request"),
        ([], "QuestionnaireResponse"),
    ],
)
def test_an_invalid_resource_answers_an_operation_outcome(client, text, body, where):
    response = suggest(client, text, body)
    assert response.status_code == 400
    outcome = OperationOutcome.model_validate(response.json())
    assert any(where in str((issue.expression or [""])[0]) for issue in outcome.issue), response.json()


def test_a_refused_key_answers_an_operation_outcome(client, world):
    response = suggest(client, "cpbr_000000000000_" + "a" * 43, EXAMPLE.read_text())
    assert response.status_code == 401
    assert OperationOutcome.model_validate(response.json()).issue[0].severity == "error"
