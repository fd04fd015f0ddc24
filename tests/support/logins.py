"""Logging a test client in as production would have it: administrators with their second factor given."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User


def log_in_with_second_factor(client: Client, user: User) -> TOTPDevice:
    """Log `user` in with a confirmed authenticator app whose code the session has already accepted."""
    device = TOTPDevice.objects.create(user=user, name="test app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
