"""Writes of API clients and keys: each in one transaction, ending with its audit event."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.audit import Action, record
from accounts.models import Commissioner, Provider, Role, User
from api import keys
from api.models import ApiClient, ApiKey
from api.scopes import CASE_LEVEL_SCOPES, Scope


class ClientRefused(ValueError):
    pass


@transaction.atomic
def create_client(
    *, by: User | None, name: str, provider: Provider | None = None, commissioner: Commissioner | None = None
) -> ApiClient:
    """A client and its system user: a service manager of the provider or a commissioner user of the ICB."""
    if (provider is None) == (commissioner is None):
        raise ClientRefused("An API client belongs to one provider or one commissioner.")
    user = User(
        username=f"api-{slugify(name)[:100]}",
        first_name=name[:150],
        role=Role.SERVICE_MANAGER if provider else Role.COMMISSIONER,
        provider=provider,
        commissioner=commissioner,
    )
    user.set_unusable_password()  # a system account: it signs in with its keys alone
    user.save()
    client = ApiClient.objects.create(name=name, provider=provider, commissioner=commissioner, user=user)
    record(Action.ADMIN_ADD, by=by, target=client)
    return client


@transaction.atomic
def issue_key(
    *, by: User | None, client: ApiClient, scopes: list[str], expires_at=None
) -> tuple[ApiKey, str]:
    """A new key of `client` and its text, which is returned here once and stored nowhere."""
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown or not scopes:
        raise ClientRefused(f"Choose the key's scopes from {', '.join(Scope.values)}.")
    if client.commissioner_id and CASE_LEVEL_SCOPES.intersection(scopes):
        raise ClientRefused("A commissioner's key cannot read case records.")
    made = keys.new_key()
    key = ApiKey.objects.create(
        client=client,
        prefix=made.prefix,
        digest=made.digest,
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
    )
    record(Action.ADMIN_ADD, by=by, target=key)
    return key, made.text


@transaction.atomic
def revoke_key(*, by: User | None, key: ApiKey) -> ApiKey:
    """Refuse every later call made with this key."""
    locked = ApiKey.objects.select_for_update().get(pk=key.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        record(Action.ADMIN_CHANGE, by=by, target=locked, changed=["revoked_at"])
    return locked
