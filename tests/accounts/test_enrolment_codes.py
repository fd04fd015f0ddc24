"""An administrator's first authenticator app needs a one-time code another administrator issued: a password
alone no longer enrols whoever holds it."""

import datetime as dt
from binascii import unhexlify

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.audit import Action, AuditEvent
from accounts.enrolment import code_hash
from accounts.models import EnrolmentCode, Role
from tests import factories
from tests.support.logins import log_in_with_second_factor

pytestmark = pytest.mark.django_db
SETUP = "/accounts/two-factor/setup/"


@pytest.fixture
def administrator(reference_data):
    return factories.user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


def enrol(client, user, enrolment_code: str | None):
    """Open the setup page as `user` and send the app's right code, with `enrolment_code` if given."""
    client.force_login(user)
    client.get(SETUP)
    token = f"{TOTP(unhexlify(client.session['otp_setup_key'])).token():06d}"
    data = {"token": token, "next": "/admin/"}
    if enrolment_code is not None:
        data["enrolment_code"] = enrolment_code
    return client.post(SETUP, data)


def test_without_a_code_the_first_app_of_an_administrator_is_refused(client, administrator):
    page = enrol(client, administrator, None)
    assert page.status_code == 200 and "Enrolment code from another administrator" in page.content.decode()
    assert enrol(client, administrator, "ABCD-EFGH-JKLM-NPQR").status_code == 200
    assert not TOTPDevice.objects.exists()


def test_a_valid_code_enrols_once(client, administrator):
    code = services.issue_enrolment_code(user=administrator, by=None)
    assert enrol(client, administrator, code.lower().replace("-", " ")).status_code == 302
    assert TOTPDevice.objects.filter(user=administrator).count() == 1
    TOTPDevice.objects.all().delete()  # the app lost: the same code does not set up another
    refused = enrol(client, administrator, code)
    assert refused.status_code == 200 and "already used, expired" in refused.content.decode()
    assert not TOTPDevice.objects.exists()


def test_an_expired_code_is_refused(client, administrator):
    code = services.issue_enrolment_code(user=administrator, by=None)
    EnrolmentCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert enrol(client, administrator, code).status_code == 200
    assert not TOTPDevice.objects.exists()


def test_another_administrators_code_is_refused(client, administrator):
    other = factories.user(Role.ADMINISTRATOR, is_staff=True)
    code = services.issue_enrolment_code(user=other, by=None)
    assert enrol(client, administrator, code).status_code == 200
    assert not TOTPDevice.objects.exists()


def test_a_new_code_replaces_the_unused_one(client, administrator):
    first = services.issue_enrolment_code(user=administrator, by=None)
    services.issue_enrolment_code(user=administrator, by=None)
    assert enrol(client, administrator, first).status_code == 200


def test_the_command_prints_the_code_once_and_keeps_only_its_hash(administrator, capsys):
    call_command("issue_enrolment_code", administrator.username)
    code = capsys.readouterr().out.strip().rsplit(" ", 1)[-1]
    stored = EnrolmentCode.objects.get()
    assert stored.code_hash == code_hash(code) and code not in stored.code_hash
    assert stored.expires_at - stored.issued_at <= dt.timedelta(hours=24, seconds=1)
    assert AuditEvent.objects.filter(
        action=Action.ISSUE_ENROLMENT_CODE, object_id=str(administrator.pk)
    ).exists()


def test_another_administrator_issues_a_code_in_the_admin_and_not_to_themselves(client, administrator):
    newcomer = factories.user(Role.ADMINISTRATOR, is_staff=True)
    log_in_with_second_factor(client, administrator)
    page = client.post(
        "/admin/accounts/user/",
        {"action": "issue_enrolment_codes", "_selected_action": [newcomer.pk, administrator.pk]},
        follow=True,
    ).content.decode()
    assert 'data-testid="enrolment-code"' in page
    assert EnrolmentCode.objects.get().user == newcomer
    assert AuditEvent.objects.get(action=Action.ISSUE_ENROLMENT_CODE).user == administrator


def test_a_clinician_sets_up_an_app_without_a_code(client, service):
    assert enrol(client, service["clinician"], None).status_code == 302
