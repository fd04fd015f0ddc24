"""An administrator makes a client and its key in the admin; the key is shown once, then only revoked."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role
from api.models import ApiClient, ApiKey
from tests import factories
from tests.api.conftest import bearer
from tests.support.logins import log_in_with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, reference_data):
    log_in_with_second_factor(client, factories.user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    return client


def test_a_key_made_in_the_admin_is_shown_once_and_works(admin_client, client):
    provider = factories.provider()
    admin_client.post(
        reverse("admin:api_apiclient_add"), {"name": "North records system", "provider": provider.pk}
    )
    api_client = ApiClient.objects.get(name="North records system")
    assert api_client.user.role == Role.SERVICE_MANAGER and api_client.user.provider == provider
    assert not api_client.user.has_usable_password()
    made = admin_client.post(
        reverse("admin:api_apikey_add"), {"client": api_client.pk, "scopes": ["grouping"]}
    )
    text = re.search(r"cpbr_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", made.content.decode())
    assert made.status_code == 200 and text is not None
    assert "no-store" in made.headers["Cache-Control"]
    key = ApiKey.objects.get()
    assert (
        text.group(0)
        not in admin_client.get(reverse("admin:api_apikey_change", args=[key.pk])).content.decode()
    )
    admin_client.logout()
    answer = client.post(
        reverse("api:suggestions"), '{"items": {}}', content_type="application/json", **bearer(text.group(0))
    )
    assert answer.status_code == 200


def test_keys_are_revoked_from_the_list(admin_client, key_for, client):
    text = key_for("provider", ["grouping"])
    key = ApiKey.objects.get(prefix=text.split("_")[1])
    admin_client.post(
        reverse("admin:api_apikey_changelist"), {"action": "revoke", "_selected_action": [key.pk]}
    )
    key.refresh_from_db()
    assert key.revoked_at is not None
