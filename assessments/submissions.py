"""Creates that survive double submission: each create form carries a one-time key (uuid4), and a second POST
of the same form returns what the first one created instead of creating it again."""

import uuid
from collections.abc import Callable
from typing import TypeVar, cast

from django import forms
from django.apps import apps
from django.db import IntegrityError, models, transaction

from accounts.models import User
from assessments.models import SubmissionKey

Made = TypeVar("Made", bound=models.Model)


KEY_MISSING = (
    "This form arrived without its one-time key, so it was not saved (a repeat could have saved it twice). "
    "Check the answers below and send the form again."
)


class SubmissionKeyField(forms.UUIDField):
    """A required one-time key; a form sent without one (or with a broken one) is shown again with a new key."""

    def bound_data(self, data: object, initial: object) -> object:
        try:
            return uuid.UUID(str(data)) if data else initial
        except ValueError:
            return initial


def key_field() -> forms.UUIDField:
    """The hidden one-time key of a create form: a new one each time the empty form is shown."""
    return SubmissionKeyField(
        widget=forms.HiddenInput,
        initial=uuid.uuid4,
        error_messages={"required": KEY_MISSING, "invalid": KEY_MISSING},
    )


def made_before(*, by: User, key: str | None) -> models.Model | None:
    """What an earlier submission of this key created, for forms whose validation would refuse a repeat (the
    NHS number is registered, the referral is open) before `create_once` could answer it."""
    try:
        earlier = SubmissionKey.objects.filter(user=by, key=uuid.UUID(key or "")).first()
    except ValueError:
        return None
    if earlier is None or not earlier.made_label:
        return None
    return apps.get_model(earlier.made_label)._default_manager.filter(pk=earlier.made_pk).first()


def create_once(*, by: User, key: uuid.UUID, create: Callable[[], Made]) -> Made:
    """Run `create` (a service call) once per user and key; a repeat returns the record the first one made.

    The key is claimed in the transaction of the create: a concurrent repeat waits on the unique key until
    the first commits (then returns its record) or rolls back (then creates)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = SubmissionKey.objects.create(user=by, key=key)
        except IntegrityError:
            earlier = SubmissionKey.objects.get(user=by, key=key)
            model = apps.get_model(earlier.made_label)
            return cast(Made, model._default_manager.get(pk=earlier.made_pk))
        made = create()
        claim.made_label, claim.made_pk = made._meta.label, made.pk
        claim.save(update_fields=["made_label", "made_pk"])
        return made
