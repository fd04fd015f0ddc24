"""One-time keys of submitted forms, so a form sent twice creates its record once."""

import uuid

from django.conf import settings
from django.db import models


class SubmissionKey(models.Model):
    """A form's one-time key as a user submitted it, and what that submission created."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField(default=uuid.uuid4)
    made_label = models.CharField(
        max_length=100, blank=True, help_text='The model created, e.g. "assessments.Contact".'
    )
    made_pk = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="submission_key_once_per_user")]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.key} ({self.made_label} {self.made_pk})"
