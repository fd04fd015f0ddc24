"""Failed logins lock the user name (from any address), the user name at one address, and, at a far higher
limit, an address for every user name; a success forgives only its own user name."""

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.audit import Action, AuditEvent
from accounts.lockout import forwarded_client
from accounts.models import Role
from tests import factories
from tests.support.logins import log_in_with_second_factor

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "a-long-test-password"


def attempt(client, username: str, password: str, address: str = "10.0.0.1", **headers):
    client.logout()
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def test_a_user_name_is_locked_at_the_fifth_failure_from_different_addresses(client, settings):
    user = factories.user(Role.CLINICIAN)
    for n in range(settings.LOGIN_FAILURE_LIMIT - 1):
        assert attempt(client, user.username, "wrong-password", f"10.0.1.{n}").status_code == 200
    assert attempt(client, user.username, "wrong-password", "10.0.1.9").status_code == 429
    locked = attempt(client, user.username, PASSWORD, "10.0.2.1")
    assert locked.status_code == 429
    assert "Login locked" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_another_users_success_does_not_forgive_the_guesses_at_a_user_name(client, settings):
    manager = factories.user(Role.TEAM_MANAGER, username="manager")
    attacker = factories.user(Role.CLINICIAN)
    statuses = []
    for _ in range(5):
        for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
            statuses.append(attempt(client, manager.username, "guess").status_code)
        assert attempt(client, attacker.username, PASSWORD).status_code == 302
    assert statuses.count(429) == len(statuses) - (settings.LOGIN_FAILURE_LIMIT - 1)
    assert attempt(client, manager.username, PASSWORD, "10.7.7.7").status_code == 429


def test_spraying_user_names_from_one_address_locks_the_address_at_its_limit(client, settings):
    settings.LOGIN_FAILURE_LIMIT_ADDRESS = 50
    attacker, colleague = factories.user(Role.CLINICIAN), factories.user(Role.CLINICIAN)
    names = [factories.user(Role.CLINICIAN).username for _ in range(16)]
    failures = 0
    for name in names:
        for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
            failures += 1
            status = attempt(client, name, "guess").status_code
            assert status == (200 if failures < settings.LOGIN_FAILURE_LIMIT_ADDRESS else 429), failures
        attempt(client, attacker.username, PASSWORD)
    assert attempt(client, attacker.username, PASSWORD).status_code == 429
    assert attempt(client, colleague.username, PASSWORD, "10.0.0.2").status_code == 302


def test_a_made_up_user_name_does_not_lock_the_real_users_of_its_address(client, settings):
    user = factories.user(Role.CLINICIAN)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(client, "nobody.at.all", "guess", "10.0.3.3")
    assert attempt(client, "nobody.at.all", "guess", "10.0.3.3").status_code == 429
    assert attempt(client, user.username, PASSWORD, "10.0.3.3").status_code == 302


def test_a_user_name_is_locked_at_one_address_at_its_own_limit(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 50
    settings.LOGIN_FAILURE_LIMIT_USER_AT_ADDRESS = 3
    user = factories.user(Role.CLINICIAN)
    for _ in range(3):
        attempt(client, user.username, "guess", "10.0.4.4")
    assert attempt(client, user.username, PASSWORD, "10.0.4.4").status_code == 429
    assert attempt(client, user.username, PASSWORD, "10.0.4.5").status_code == 302


def test_a_success_forgives_only_its_own_user_name(client, settings):
    first, second = factories.user(Role.CLINICIAN), factories.user(Role.CLINICIAN)
    for name in (first.username, second.username):
        for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
            attempt(client, name, "wrong-password")
    assert attempt(client, second.username, PASSWORD).status_code == 302
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        assert attempt(client, second.username, "wrong-password").status_code == 200
    assert attempt(client, first.username, "wrong-password").status_code == 429


def test_unlock_user_lets_a_locked_user_log_in_and_is_audited(client, settings):
    user = factories.user(Role.CLINICIAN)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(client, user.username, "wrong-password")
    assert attempt(client, user.username, PASSWORD).status_code == 429
    call_command("unlock_user", user.username)
    assert attempt(client, user.username, PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action=Action.UNLOCK_LOGIN, object_id=str(user.pk)).count() == 1


def test_an_administrator_unlocks_users_in_the_admin(client, settings):
    user = factories.user(Role.CLINICIAN)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(client, user.username, "wrong-password")
    admin = factories.user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    admin_client = Client()
    log_in_with_second_factor(admin_client, admin)
    response = admin_client.post(
        "/admin/accounts/user/", {"action": "unlock_logins", "_selected_action": [user.pk]}, follow=True
    )
    assert "Unlocked the login of 1 user(s)" in response.content.decode()
    assert AuditEvent.objects.get(action=Action.UNLOCK_LOGIN).user == admin
    assert attempt(client, user.username, PASSWORD).status_code == 302


def test_forged_forwarded_addresses_from_an_untrusted_peer_are_ignored(client, settings):
    settings.BEHIND_TLS_PROXY = True
    settings.LOGIN_FAILURE_LIMIT_ADDRESS = 8
    user = factories.user(Role.CLINICIAN)
    for n in range(8):
        attempt(client, f"someone{n}", "x", "198.51.100.9", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    forged = attempt(client, user.username, PASSWORD, "198.51.100.9", HTTP_X_FORWARDED_FOR="192.0.2.77")
    assert forged.status_code == 429


def test_behind_a_trusted_proxy_the_address_is_the_one_the_proxy_added(client, settings):
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXIES = ["10.9.9.0/24"]
    settings.LOGIN_FAILURE_LIMIT_ADDRESS = 5
    user = factories.user(Role.CLINICIAN)
    for n in range(5):
        attempt(client, f"someone{n}", "x", "10.9.9.9", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.7")
    from_attacker = attempt(client, user.username, PASSWORD, "10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.7")
    from_colleague = attempt(client, user.username, PASSWORD, "10.9.9.9", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert (from_attacker.status_code, from_colleague.status_code) == (429, 302)


@pytest.mark.parametrize(
    ("remote", "forwarded", "client_address"),
    [
        ("203.0.113.5", "1.1.1.1", "203.0.113.5"),  # not our proxy: its header is not read
        ("10.0.0.2", "1.1.1.1, 203.0.113.5", "203.0.113.5"),  # the right-most hop not ours
        ("10.0.0.2", "203.0.113.5, 10.0.0.3", "203.0.113.5"),  # through two of our proxies
        ("10.0.0.2", "", "10.0.0.2"),  # nothing forwarded
        ("10.0.0.2", "not-an-address, 10.0.0.3", "10.0.0.3"),  # garbage left of our proxies
        ("10.0.0.2", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_is_the_right_most_untrusted_address(remote, forwarded, client_address):
    assert forwarded_client(remote, forwarded, ("10.0.0.0/24",)) == client_address
