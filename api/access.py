"""Who may call: API keys (Bearer), people with their session (CSRF checked), scopes, and the rate limit."""

from django.conf import settings
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.request import Request

from accounts.models import User
from api import keys
from api.models import ApiKey
from api.scopes import session_scopes

REFUSED_KEY = "This API key is not valid: it is unknown, revoked or expired."


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer cpbr_<prefix>_<secret>`: the client's system user, with the key as `auth`."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiKey] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        word, _, text = header.partition(" ")
        if word != self.keyword:
            return None
        parsed = keys.parse(text)
        if parsed is None:
            raise exceptions.AuthenticationFailed(REFUSED_KEY)
        prefix, secret = parsed
        try:
            key = ApiKey.objects.select_related("client__user").get(prefix=prefix)
        except ApiKey.DoesNotExist as unknown:
            raise exceptions.AuthenticationFailed(REFUSED_KEY) from unknown
        if not keys.secret_matches(secret, key.digest) or not key.is_usable():
            raise exceptions.AuthenticationFailed(REFUSED_KEY)
        user = key.client.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(REFUSED_KEY)
        return user, key

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class HasScope(permissions.BasePermission):
    """The view's `required_scope` is among the key's scopes, or among the session user's role's scopes; a
    view with `roles` also needs the caller's role among them (the pages' guard)."""

    message = "This key or account does not have the scope this call needs."

    def has_permission(self, request: Request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        scope = getattr(view, "required_scope", None)
        held = request.auth.scopes if isinstance(request.auth, ApiKey) else session_scopes(user.role)
        if scope is not None and scope not in held:
            self.message = f"This call needs the scope {scope!r}."
            return False
        roles = getattr(view, "roles", None)
        if roles is not None and user.role not in roles:
            self.message = f"This call is not for {user.get_role_display().lower()} accounts."
            return False
        return True


class PerKeyRateThrottle(throttling.SimpleRateThrottle):
    """API_RATE calls per key (or per person with a session), counted in the shared cache; 429 beyond."""

    scope = "api"

    def get_rate(self) -> str:
        return settings.API_RATE

    def get_cache_key(self, request: Request, view) -> str:
        if isinstance(request.auth, ApiKey):
            ident = f"key-{request.auth.prefix}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return f"throttle_{self.scope}_{ident}"
