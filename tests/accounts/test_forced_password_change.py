"""A password an administrator sets must be changed by its user before anything else."""

import pytest

from accounts.models import Role, User
from tests import factories
from tests.support.logins import log_in_with_second_factor

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-pass-phrase"


@pytest.fixture
def admin_client(client, reference_data):
    log_in_with_second_factor(client, factories.user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    return client


def set_password(admin_client, user, password="set-by-the-admin-2026"):
    return admin_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": password, "password2": password, "usable_password": "true"},
    )


def test_an_administrator_setting_a_password_forces_a_change_at_next_login(admin_client, service, client):
    clinician = service["clinician"]
    assert set_password(admin_client, clinician).status_code == 302
    clinician.refresh_from_db()
    assert clinician.must_change_password and clinician.check_password("set-by-the-admin-2026")


def test_a_refused_password_form_forces_nothing(admin_client, service):
    clinician = service["clinician"]
    response = admin_client.post(
        f"/admin/accounts/user/{clinician.pk}/password/",
        {"password1": "short", "password2": "different", "usable_password": "true"},
    )
    assert response.status_code == 200
    clinician.refresh_from_db()
    assert not clinician.must_change_password


def test_a_user_added_by_an_administrator_must_choose_their_own_password(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "new.clinician",
            "password1": "set-by-the-admin-2026",
            "password2": "set-by-the-admin-2026",
            "usable_password": "true",
            "role": Role.CLINICIAN,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="new.clinician").must_change_password


def test_every_page_leads_to_the_password_change_until_it_is_done(client, service):
    clinician = service["clinician"]
    User.objects.filter(pk=clinician.pk).update(must_change_password=True)
    client.post("/accounts/login/", {"username": clinician.username, "password": "a-long-test-password"})
    for page in ("/cases/", "/reports/", "/"):
        response = client.get(page)
        assert response.status_code == 302 and response.url == "/accounts/password/"
    assert client.get("/accounts/password/").status_code == 200
    changed = client.post(
        "/accounts/password/",
        {
            "old_password": "a-long-test-password",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 302
    clinician.refresh_from_db()
    assert not clinician.must_change_password
    assert client.get("/cases/").status_code == 200


def test_an_administrator_setting_a_password_is_audited_without_the_password(admin_client, service):
    from accounts.audit import Action, AuditEvent

    clinician = service["clinician"]
    assert set_password(admin_client, clinician).status_code == 302
    event = AuditEvent.objects.get(action=Action.SET_PASSWORD)
    assert (event.object_id, event.role) == (str(clinician.pk), Role.ADMINISTRATOR)
    assert "set-by-the-admin-2026" not in str(AuditEvent.objects.values_list())
