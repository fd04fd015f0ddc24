"""An authenticator app as a second factor: optional for staff, required for administrators in production."""

from binascii import unhexlify
from urllib.parse import parse_qs, urlparse

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import Role
from tests import factories
from tests.support.logins import log_in_with_second_factor

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def code_for(key_hex: str) -> str:
    return f"{TOTP(unhexlify(key_hex)).token():06d}"


def log_in(client, user):
    return client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})


@pytest.fixture
def administrator(reference_data):
    return factories.user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


def test_an_administrator_without_an_app_is_sent_to_set_one_up_before_the_admin(client, administrator):
    log_in(client, administrator)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/two-factor/setup/")
    assert parse_qs(urlparse(response.url).query)["next"] == ["/admin/accounts/user/"]


def test_setting_up_an_app_shows_its_key_and_a_correct_code_opens_the_admin(client, administrator):
    log_in(client, administrator)
    page = client.get("/accounts/two-factor/setup/?next=/admin/")
    key = client.session["otp_setup_key"]
    assert page.context["config_url"].startswith("otpauth://totp/camhs-pbr")
    assert page.context["secret"] in page.content.decode()
    enrolment_code = services.issue_enrolment_code(user=administrator, by=None)
    wrong = client.post(
        "/accounts/two-factor/setup/",
        {"token": "000000", "enrolment_code": enrolment_code, "next": "/admin/"},
    )
    assert wrong.status_code == 200 and not TOTPDevice.objects.exists()
    right = client.post(
        "/accounts/two-factor/setup/",
        {"token": code_for(key), "enrolment_code": enrolment_code, "next": "/admin/"},
    )
    assert right.status_code == 302 and right.url == "/admin/"
    assert TOTPDevice.objects.get(user=administrator).confirmed
    assert client.get("/admin/accounts/user/").status_code == 200


def test_login_asks_for_the_code_of_a_user_who_has_an_app(client, service, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code otherwise makes the next try wait a second
    clinician = service["clinician"]
    device = TOTPDevice.objects.create(user=clinician, name="app", confirmed=True)
    log_in(client, clinician)
    asked = client.get("/cases/")
    assert asked.status_code == 302 and asked.url.startswith("/accounts/two-factor/?")
    refused = client.post("/accounts/two-factor/", {"token": "000000", "next": "/cases/"})
    assert refused.status_code == 200 and "not right" in refused.content.decode()
    assert client.get("/cases/").status_code == 302
    accepted = client.post("/accounts/two-factor/", {"token": code_for(device.key), "next": "/cases/"})
    assert accepted.status_code == 302 and accepted.url == "/cases/"
    assert client.get("/cases/").status_code == 200


def test_a_clinician_without_an_app_is_not_asked_for_one(client, service):
    log_in(client, service["clinician"])
    assert client.get("/cases/").status_code == 200


def test_with_the_requirement_off_an_administrator_reaches_the_admin_with_a_password(
    client, administrator, settings
):
    settings.REQUIRE_ADMIN_2FA = False
    log_in(client, administrator)
    assert client.get("/admin/").status_code == 200


def test_the_code_page_only_redirects_within_the_site(client, administrator):
    device = log_in_with_second_factor(client, administrator)
    client.logout()
    log_in(client, administrator)
    response = client.post(
        "/accounts/two-factor/", {"token": code_for(device.key), "next": "https://evil.example/"}
    )
    assert response.url == "/"
