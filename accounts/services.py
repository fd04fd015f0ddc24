"""Writes to accounts: passwords set by administrators or changed by their users, second-factor devices,
unlocked logins."""

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import lockout
from accounts.audit import Action, record
from accounts.models import User

TOTP_DEVICE_NAME = "Authenticator app"


@transaction.atomic
def password_set_by_administrator(*, user: User, by: User) -> None:
    """An administrator set `user`'s password: unless they set their own, `user` must change it at next login."""
    user.must_change_password = user.pk != by.pk
    user.save(update_fields=["must_change_password"])
    record(Action.SET_PASSWORD, by=by, target=user, changed=("password", "must_change_password"))


@transaction.atomic
def password_changed_by_user(*, user: User) -> None:
    """The user chose a new password themselves: nothing more to force."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    record(Action.CHANGE_PASSWORD, by=user, target=user, changed=("password",))


@transaction.atomic
def add_totp_device(*, user: User, key: str) -> TOTPDevice:
    """Store the confirmed authenticator app whose hex `key` the user has just proved they hold."""
    device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=key, confirmed=True)
    record(Action.ADD_TOTP_DEVICE, by=user, target=user)
    return device


@transaction.atomic
def unlock_login(*, user: User, by: User | None) -> int:
    """Forget `user`'s failed logins so they may log in again; `by` is None from `manage.py unlock_user`."""
    removed = lockout.unlock(user.get_username())
    record(Action.UNLOCK_LOGIN, by=by, target=user)
    return removed
