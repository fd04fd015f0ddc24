"""The address a login attempt came from, for the per-address lockout."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind our TLS proxy the address that proxy appended last to X-Forwarded-For.

    Behind the proxy every request comes from the proxy's own address, so locking REMOTE_ADDR would lock
    everyone out at once; only the last entry is trusted, as earlier ones are whatever the client sent."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")
