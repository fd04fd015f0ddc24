"""Passwords are stored with Argon2id at OWASP's settings (accounts/hashers.py); a password stored with PBKDF2
before still logs in, and is stored again with Argon2id at that login."""

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password

from accounts.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_new_password_is_stored_with_argon2id_at_owasps_settings(reference_data):
    user = factories.user(Role.CLINICIAN)
    user.set_password("a-long-test-password")
    user.save(update_fields=["password"])
    hasher = identify_hasher(user.password)
    stored = hasher.decode(user.password)
    assert (hasher.algorithm, stored["variety"]) == ("argon2", "argon2id")
    assert (stored["memory_cost"], stored["time_cost"], stored["parallelism"]) == (19 * 1024, 2, 1)
    assert check_password("a-long-test-password", user.password)


def test_a_password_stored_with_pbkdf2_logs_in_and_is_stored_again_with_argon2id(client, reference_data):
    user = factories.user(Role.CLINICIAN)
    user.password = make_password("an-older-stored-password", hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "an-older-stored-password"}
    )
    assert response.status_code == 302 and "/accounts/login/" not in response.url
    user.refresh_from_db()
    assert identify_hasher(user.password).decode(user.password)["variety"] == "argon2id"
    assert check_password("an-older-stored-password", user.password)
