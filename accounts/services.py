"""Writes to accounts: passwords set by administrators or changed by their users, second-factor devices and
the enrolment codes of administrators' first ones, unlocked logins."""

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import enrolment, lockout
from accounts.audit import Action, record
from accounts.models import EnrolmentCode, User

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


class EnrolmentRefused(ValueError):
    """An administrator's first authenticator app needs a valid enrolment code."""


def needs_enrolment_code(user: User) -> bool:
    """An administrator's first authenticator app is set up only with a code another administrator issued."""
    return user.is_administrator and not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def issue_enrolment_code(*, user: User, by: User | None) -> str:
    """A new one-time code for `user`'s first authenticator app (earlier unused ones stop working); returned
    once, stored hashed. `by` is None from `manage.py issue_enrolment_code`."""
    if by is not None and by.pk == user.pk:
        raise EnrolmentRefused("An enrolment code is issued by another administrator, not to oneself.")
    now = timezone.now()
    EnrolmentCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    code = enrolment.new_code()
    EnrolmentCode.objects.create(
        user=user, code_hash=enrolment.code_hash(code), issued_by=by, expires_at=now + enrolment.VALID_FOR
    )
    record(Action.ISSUE_ENROLMENT_CODE, by=by, target=user)
    return code


@transaction.atomic
def add_totp_device(*, user: User, key: str, enrolment_code: str = "") -> TOTPDevice:
    """Store the confirmed authenticator app whose hex `key` the user has just proved they hold; an
    administrator's first one uses up a valid enrolment code, or raises EnrolmentRefused."""
    if needs_enrolment_code(user):
        now = timezone.now()
        code = (
            EnrolmentCode.objects.select_for_update()
            .filter(user=user, code_hash=enrolment.code_hash(enrolment_code), used_at__isnull=True)
            .filter(expires_at__gt=now)
            .first()
        )
        if code is None:
            raise EnrolmentRefused(enrolment.REFUSED)
        code.used_at = now
        code.save(update_fields=["used_at"])
    device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=key, confirmed=True)
    record(Action.ADD_TOTP_DEVICE, by=user, target=user)
    return device


@transaction.atomic
def unlock_login(*, user: User, by: User | None) -> int:
    """Forget `user`'s failed logins so they may log in again; `by` is None from `manage.py unlock_user`."""
    removed = lockout.unlock(user.get_username())
    record(Action.UNLOCK_LOGIN, by=by, target=user)
    return removed
