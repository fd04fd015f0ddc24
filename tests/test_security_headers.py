"""Response headers: a Content Security Policy without inline code, no-store to signed-in users, HSTS."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_every_page_carries_a_content_security_policy_without_inline_code(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_every_page_that_shows_a_case_is_not_stored(client, service):
    case = factories.case(service["team_a"])
    client.force_login(service["clinician"])
    pages = [
        "/cases/",
        f"/cases/{case.pk}/",
        f"/cases/{case.pk}/contacts/new/",
        f"/cases/{case.pk}/discharge/",
        f"/cases/{case.pk}/measures/sdq/parent/new/",
        f"/cases/{case.pk}/goals/new/",
        f"/cases/{case.pk}/current-views/new/",
        f"/patients/{case.patient.pk}/referrals/new/",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert "no-store" in response["Cache-Control"], page


def _routes(patterns, prefix="", namespaces=()):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespaces


def test_every_page_without_parameters_is_not_stored_for_a_signed_in_user(client, service):
    """One rule, not a list of namespaces: the lab's pages were once left out of such a list."""
    client.force_login(factories.user(Role.SERVICE_MANAGER, provider=service["provider"]))
    routes = [
        route for route, _ in _routes(get_resolver().url_patterns) if "<" not in route and "(" not in route
    ]
    assert "lab/" in routes
    for route in routes:
        response = client.get("/" + route.lstrip("^").rstrip("$"))
        assert "no-store" in response.get("Cache-Control", ""), (route, response.status_code)


def test_the_lab_is_not_stored_whoever_asks(client, service):
    client.force_login(factories.user(Role.SERVICE_MANAGER, provider=service["provider"]))
    assert "no-store" in client.get("/lab/")["Cache-Control"]
    client.force_login(service["clinician"])
    refused = client.get("/lab/")
    assert refused.status_code == 403 and "no-store" in refused["Cache-Control"]


def test_a_secure_response_carries_hsts_with_subdomains(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    header = client.get("/accounts/login/", secure=True)["Strict-Transport-Security"]
    assert header == "max-age=31536000; includeSubDomains"
