"""System accounts of other systems (an ApiClient per integration) and their revocable API keys."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Commissioner, Provider


class ApiClient(models.Model):
    """One integration (a records system, a BI tool, an ICB's analysts) of one provider or one commissioner.

    It acts as its own user (`user`, made with the client): a service manager of the provider or a commissioner
    user of the ICB, with no password, so the pages' one scoping rule applies to it unchanged."""

    name = models.CharField(max_length=100, unique=True)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, null=True, blank=True)
    commissioner = models.ForeignKey(Commissioner, on_delete=models.PROTECT, null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(provider__isnull=False, commissioner__isnull=True)
                | Q(provider__isnull=True, commissioner__isnull=False),
                name="api_client_of_one_provider_or_commissioner",
                violation_error_message="An API client belongs to one provider or one commissioner.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ApiKey(models.Model):
    """A key of a client: its prefix (public, to find it) and the SHA-256 of its secret; never the key."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="keys")
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(default=list, help_text="The scopes this key may use (api.scopes.Scope).")
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until revoked.")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.client} key {self.prefix}"

    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())
