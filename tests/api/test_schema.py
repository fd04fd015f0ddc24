"""The API is described by an OpenAPI 3 schema generated from the code, checked in, and shown as a page."""

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

CHECKED_IN = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def test_the_checked_in_schema_is_the_schema_of_the_code(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")
    assert generated.read_text() == CHECKED_IN.read_text(), "the API changed: run `make schema` and commit it"


def test_the_schema_describes_every_endpoint_with_its_security():
    schema = yaml.safe_load(CHECKED_IN.read_text())
    assert {(path, method) for path, item in schema["paths"].items() for method in item} >= {
        ("/api/v1/suggestions", "post"),
        ("/api/v1/cases", "get"),
        ("/api/v1/cases/{ref}/current-views", "post"),
        ("/api/v1/cases/{ref}/allocations", "get"),
        ("/api/v1/reports/{report}/{scope_kind}/{scope_code}/{period}", "get"),
        ("/api/fhir/Questionnaire/current-view", "get"),
        ("/api/fhir/QuestionnaireResponse/$suggest", "post"),
    }
    assert schema["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"


def test_the_schema_is_served(client):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    assert yaml.safe_load(response.content)["openapi"].startswith("3.")


def test_the_reference_page_lists_each_operation_with_its_body_and_needs_no_script(client):
    response = client.get(reverse("api:reference"))
    assert response.status_code == 200
    page = response.content.decode()
    for operation in (
        "POST /api/v1/suggestions",
        "GET /api/v1/cases",
        "POST /api/v1/cases/{ref}/current-views",
    ):
        assert operation in page
    assert "Idempotency-Key" in page and "rule_text" in page and "<code>views</code>" in page
    scripts = page.count("<script")
    assert scripts == page.count('<script src="/static/')  # only the site's own files: no CDN, nothing inline
