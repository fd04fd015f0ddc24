"""The app's own 404 and 500 pages, with DEBUG off (production, the tests) and on (`make run`), and its icon."""

import pytest
from django.test import Client, override_settings
from django.urls import path, reverse

from camhs_pbr.urls import urlpatterns as site_patterns
from tests import factories


def fails(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("fails/", fails, name="fails"), *site_patterns]
with_a_failing_page = override_settings(ROOT_URLCONF=__name__)

APP_404 = "There is no such page, or what it shows is outside your teams."
APP_500 = "Something went wrong on our side"


def app_404(response) -> str:
    assert response.status_code == 404
    assert APP_404 in response.text and 'class="navbar' in response.text
    assert "Using the URLconf" not in response.text  # Django's technical page
    return response.text


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True], ids=["production", "make run"])
def test_an_unknown_address_shows_the_app_s_not_found_page(client, service, debug):
    client.force_login(service["clinician"])
    with override_settings(DEBUG=debug):
        text = app_404(client.get("/no-such-page/"))
    assert "Caseload" in text  # the signed-in user's navigation, as on every page


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True], ids=["production", "make run"])
def test_a_case_outside_the_user_s_teams_shows_the_app_s_not_found_page(client, service, debug):
    elsewhere = factories.case(service["team_b"])
    client.force_login(service["clinician"])
    with override_settings(DEBUG=debug):
        app_404(client.get(reverse("assessments:case_detail", args=[elsewhere.pk])))


@pytest.mark.django_db
@with_a_failing_page
@pytest.mark.parametrize("debug", [False, True], ids=["production", "make run"])
def test_a_failing_page_shows_the_app_s_error_page(service, debug):
    client = Client(raise_request_exception=False)
    client.force_login(service["clinician"])
    with override_settings(DEBUG=debug):
        response = client.get("/fails/")
    assert response.status_code == 500
    assert APP_500 in response.text
    assert "RuntimeError" not in response.text and "Traceback" not in response.text
    assert response["X-Request-ID"]  # the site's headers stay on the app's page


@pytest.mark.django_db
@with_a_failing_page
def test_an_engineer_can_ask_for_django_s_debug_pages(service):
    client = Client(raise_request_exception=False)
    client.force_login(service["clinician"])
    with override_settings(DEBUG=True, DJANGO_DEBUG_PAGES=True):
        assert "RuntimeError" in client.get("/fails/").text
        assert "Using the URLconf" in client.get("/no-such-page/").text


def test_the_error_page_renders_without_a_request_or_database():
    from django.template.loader import render_to_string

    assert APP_500 in render_to_string("500.html")


@pytest.mark.django_db
def test_pages_link_the_icon_and_favicon_ico_answers_with_it(client, service):
    client.force_login(service["clinician"])
    page = client.get(reverse("assessments:caseload")).text
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    client.logout()
    sent = client.get("/favicon.ico")
    assert sent.status_code == 302 and sent.url == "/static/favicon.svg"
    icon = client.get(sent.url)
    assert icon.status_code == 200 and icon["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(icon.streaming_content)
