"""A login ends after 30 minutes without a request, and 12 hours after it began however busy."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    """A settable now() for the session expiry and the login's absolute lifetime."""
    start = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=start) as now:
        now.at = lambda minutes: setattr(now, "return_value", start + dt.timedelta(minutes=minutes))
        yield now


def test_a_login_ends_after_thirty_idle_minutes(client, service, clock):
    client.force_login(service["clinician"])
    assert client.get("/cases/").status_code == 200
    clock.at(29)
    assert client.get("/cases/").status_code == 200
    clock.at(29 + 31)
    response = client.get("/cases/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_a_busy_login_ends_twelve_hours_after_it_began(client, service, clock):
    client.force_login(service["clinician"])
    for minutes in range(0, 12 * 60, 20):
        clock.at(minutes)
        assert client.get("/cases/").status_code == 200
    clock.at(12 * 60 + 1)
    response = client.get("/cases/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
