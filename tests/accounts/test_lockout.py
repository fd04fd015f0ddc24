"""Repeated failed logins lock the user name, and separately the address they come from."""

import pytest

from accounts.models import Role
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "a-long-test-password"


def attempt(client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_user_name_is_locked_at_the_fifth_failure_from_different_addresses(client, settings):
    user = factories.user(Role.CLINICIAN)
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, user.username, "wrong-password", f"10.0.1.{n}").status_code == 200
    assert attempt(client, user.username, "wrong-password", "10.0.1.9").status_code == 429
    locked = attempt(client, user.username, PASSWORD, "10.0.2.1")
    assert locked.status_code == 429
    assert "Login locked" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_address_is_locked_at_the_fifth_failure_for_different_user_names(client, settings):
    user = factories.user(Role.CLINICIAN)
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, f"someone{n}", "wrong-password", "10.0.3.3").status_code == 200
    assert attempt(client, "someone.else", "wrong-password", "10.0.3.3").status_code == 429
    assert attempt(client, user.username, PASSWORD, "10.0.3.3").status_code == 429
    assert attempt(client, user.username, PASSWORD, "10.0.3.4").status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(client, settings):
    user = factories.user(Role.CLINICIAN)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, user.username, "wrong-password")
    assert attempt(client, user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, user.username, "wrong-password")
    assert attempt(client, user.username, PASSWORD).status_code == 302


def test_behind_the_proxy_the_address_is_the_one_the_proxy_added(client, settings):
    settings.BEHIND_TLS_PROXY = True
    user = factories.user(Role.CLINICIAN)
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": f"someone{n}", "password": "x"},
            REMOTE_ADDR="10.9.9.9",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.7",
        )
    from_attacker = client.post(
        LOGIN, {"username": user.username, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    from_colleague = client.post(
        LOGIN, {"username": user.username, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.2"
    )
    assert (from_attacker.status_code, from_colleague.status_code) == (429, 302)
