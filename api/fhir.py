"""The Current View in FHIR R4B: the form as a Questionnaire, a QuestionnaireResponse of it in, the suggestion
out as Parameters, and bad input as an OperationOutcome. Pure: fhir.resources' R4B models, no ORM."""

from typing import Any

from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.parameters import Parameters
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from assessments.current_view_items import ITEMS, RESPONSES
from groupings.rules import MAX_AGE

QUESTIONNAIRE_URL = "https://camhs-pbr.nhs.uk/fhir/Questionnaire/current-view"
ANSWER_SYSTEM = "https://camhs-pbr.nhs.uk/fhir/CodeSystem/current-view-answer"
SNOMED = "http://snomed.info/sct"
NOT_KNOWN = "nk"
AGE = "age"


class FhirInvalid(ValueError):
    """A resource that is not a QuestionnaireResponse of the Current View: each problem by where it is."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{where}: {what}" for where, what in problems.items()))
        self.problems = problems


def _options(scale: str) -> list[dict[str, Any]]:
    return [
        {
            "valueCoding": {
                "system": ANSWER_SYSTEM,
                "code": NOT_KNOWN if code is None else str(code),
                "display": word,
            }
        }
        for word, code in RESPONSES[scale].items()
    ]


def questionnaire() -> dict[str, Any]:
    """The Current View form as a FHIR R4B Questionnaire: one required choice item per form item, then age."""
    items: list[dict[str, Any]] = []
    for item in ITEMS:
        entry: dict[str, Any] = {
            "linkId": item.id,
            "text": item.name,
            "type": "choice",
            "required": True,
            "answerOption": _options(item.response_scale),
        }
        if item.snomed_ct:
            entry["code"] = [{"system": SNOMED, "code": item.snomed_ct, "display": item.name}]
        items.append(entry)
    items.append(
        {"linkId": AGE, "text": f"Age in completed years (0-{MAX_AGE}) at the form's date", "type": "integer"}
    )
    resource = {
        "resourceType": "Questionnaire",
        "id": "current-view",
        "url": QUESTIONNAIRE_URL,
        "name": "CAMHSCurrentView",
        "title": "CAMHS Current View",
        "status": "active",
        "subjectType": ["Patient"],
        "item": items,
    }
    return Questionnaire.model_validate(resource).model_dump(mode="json", exclude_none=True)


def view_of(body: Any) -> dict[str, Any]:
    """A QuestionnaireResponse of the Current View as the suggestions endpoint's view (`items`, `age`)."""
    if not isinstance(body, dict):
        raise FhirInvalid(
            {"QuestionnaireResponse": "expected a QuestionnaireResponse resource (JSON object)"}
        )
    if body.get("resourceType") != "QuestionnaireResponse":
        raise FhirInvalid({"resourceType": "expected QuestionnaireResponse"})
    try:
        response = QuestionnaireResponse.model_validate(body)
    except ValidationError as error:
        raise FhirInvalid(
            {
                ".".join(map(str, problem["loc"])) or "QuestionnaireResponse": problem["msg"]
                for problem in error.errors()[:50]
            }
        ) from error
    if response.questionnaire not in (None, QUESTIONNAIRE_URL):
        raise FhirInvalid({"questionnaire": f"expected {QUESTIONNAIRE_URL}"})
    items: dict[str, Any] = {}
    view: dict[str, Any] = {"items": items}
    problems: dict[str, str] = {}
    for n, entry in enumerate(response.item or []):
        where = f"item[{n}]"
        answers = entry.answer or []
        if len(answers) > 1:
            problems[where] = "expected one answer"
            continue
        answer = answers[0] if answers else None
        if entry.linkId == AGE:
            view["age"] = None if answer is None else answer.valueInteger
            if answer is not None and answer.valueInteger is None:
                problems[where] = "expected valueInteger"
            continue
        if answer is None:
            continue  # no answer: Not known
        coding = answer.valueCoding
        if coding is None or coding.code is None:
            problems[where] = "expected valueCoding with a code of the Questionnaire's answer options"
            continue
        items[str(entry.linkId)] = None if coding.code == NOT_KNOWN else coding.code
    if problems:
        raise FhirInvalid(problems)
    return view


def parameters(suggestion: dict[str, Any]) -> dict[str, Any]:
    """The suggestion as a FHIR R4B Parameters resource (an absent grouping: not enough information)."""
    kinds = {bool: "valueBoolean", int: "valueInteger", str: "valueString"}
    parameter = [
        {"name": name, kinds[type(value)]: value} for name, value in suggestion.items() if value is not None
    ]
    return Parameters.model_validate({"resourceType": "Parameters", "parameter": parameter}).model_dump(
        mode="json", exclude_none=True
    )


def outcome(problems: dict[str, str]) -> dict[str, Any]:
    """Problems of a request as a FHIR R4B OperationOutcome: one error issue each, located by `expression`."""
    issues = [
        {"severity": "error", "code": "invalid", "diagnostics": what, "expression": [where]}
        for where, what in problems.items()
    ]
    return OperationOutcome.model_validate({"resourceType": "OperationOutcome", "issue": issues}).model_dump(
        mode="json", exclude_none=True
    )
