"""The login lockout: its three rules (each with its own limit) and the address a login attempt came from.

django-axes counts the failures and refuses locked logins; its database handler has one limit for every
parameter, so `LockoutHandler` counts each rule against its own limit and resets only the user name that
logged in (axes' reset also emptied the address's count, so one success of the attacker's own account
forgave every guess at someone else's)."""

from dataclasses import dataclass
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, Sum
from django.http import HttpRequest

Network = IPv4Network | IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ip_network(entry, strict=False) for entry in entries)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def forwarded_client(remote: str, forwarded_for: str, trusted: tuple[str, ...]) -> str:
    """The right-most address of the chain that is not one of our proxies (`trusted`: addresses or CIDRs).

    X-Forwarded-For is read only when the connection itself comes from a trusted proxy: anyone else can write
    anything there. Each proxy appends the address it was reached from, so walking from the right, the first
    untrusted address is the client; the entries left of it are whatever the client sent."""
    networks = _networks(trusted)
    if not _trusted(remote, networks):
        return remote
    client = remote
    for hop in reversed([hop.strip() for hop in forwarded_for.split(",") if hop.strip()]):
        try:
            ip_address(hop)
        except ValueError:
            return client  # not an address: our proxy did not write it, so the last hop we believe stands
        client = hop
        if not _trusted(hop, networks):
            return hop
    return client


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or when that is one of TRUSTED_PROXIES the client they report in X-Forwarded-For."""
    remote = request.META.get("REMOTE_ADDR")
    if not remote or not settings.TRUSTED_PROXIES:
        return remote
    return forwarded_client(
        remote, request.META.get("HTTP_X_FORWARDED_FOR", ""), tuple(settings.TRUSTED_PROXIES)
    )


@dataclass(frozen=True)
class Failures:
    """Failed logins in the cool-off window: for the user name from anywhere, from this address for that
    user name, and from this address for any user name."""

    user: int
    user_at_address: int
    address: int


def limits_reached(failures: Failures) -> list[str]:
    """The rules whose limit these failures have reached (empty: the login may be tried)."""
    limits = {
        "user": settings.LOGIN_FAILURE_LIMIT,
        "user_at_address": settings.LOGIN_FAILURE_LIMIT_USER_AT_ADDRESS,
        "address": settings.LOGIN_FAILURE_LIMIT_ADDRESS,
    }
    return [rule for rule, limit in limits.items() if getattr(failures, rule) >= limit]


def count_failures(username: str | None, address: str | None, since: Any) -> Failures:
    """The three counts of `Failures`, in one query over axes' attempts since `since`."""
    of_user = Q(username=username)
    of_address = Q(ip_address=address) if address else Q(pk__in=[])
    totals = AccessAttempt.objects.filter(of_user | of_address, attempt_time__gte=since).aggregate(
        user=Sum("failures_since_start", filter=of_user, default=0),
        user_at_address=Sum("failures_since_start", filter=of_user & of_address, default=0),
        address=Sum("failures_since_start", filter=of_address, default=0),
    )
    return Failures(**totals)


def unlock(username: str) -> int:
    """Forget the failed logins of `username` (from every address); the number of attempt rows removed."""
    removed, _ = AccessAttempt.objects.filter(username=username).delete()
    return removed


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with a limit per rule, and a success forgiving only its own user name."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """axes compares this with AXES_FAILURE_LIMIT: that limit once any rule is reached, else fewer."""
        failures = count_failures(
            get_client_username(request, credentials),
            request.axes_ip_address,  # type: ignore[attr-defined]
            get_cool_off_threshold(request),
        )
        if limits_reached(failures):
            return settings.AXES_FAILURE_LIMIT
        return min(failures.user, settings.AXES_FAILURE_LIMIT - 1)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """At a successful login: the user name's failures are forgotten, the address's others are not."""
        username = get_client_username(request, credentials)
        return unlock(username) if username else 0
