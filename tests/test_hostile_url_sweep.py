"""No address answers 500 (issue 30): every URL pattern of the site, the admin's included, with hostile values
in each of its parameters and in the query string, asked by each kind of user and by nobody.

A value out of a column's range, text where a number or code is expected, a path that climbs, a query
string with quotes: each gets a 4xx or a page, never a server error."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import Role
from tests import factories

pytestmark = pytest.mark.django_db

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
HOSTILE_PARAMETERS = {
    "int": ["0", "99999999999999999999"],
    "str": ["x'\"<>", "9" * 300],
    "slug": ["-", "x" * 300],
    "path": ["../../etc/passwd", "a/" * 50],
    "uuid": ["00000000-0000-0000-0000-000000000000"],
}
HOSTILE_QUERY = {
    "page": "-1",
    "period": "0000-00",
    "q": "'\"%",
    "o": "99",
    "rules_version": "99999999999999999999",
    "team": "x",
    "grouping": "'",
}


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _addresses() -> list[str]:
    """Each route with every hostile value of its parameters' converters (regular-expression routes, the
    admin's catch-all among them, with a plain word in place of each group)."""
    addresses = []
    for route in _routes(get_resolver().url_patterns):
        route = route.lstrip("^").rstrip("$")
        if "(" in route:
            route = re.sub(r"\(\?P<[^>]+>[^)]*\)", "x", route)
            if "(" in route or "\\" in route:
                continue
        converters = [match.group("converter") or "str" for match in PARAMETER.finditer(route)]
        if not converters:
            addresses.append("/" + route)
            continue
        choices = [HOSTILE_PARAMETERS.get(converter, ["x"]) for converter in converters]
        for n in range(max(len(values) for values in choices)):
            parts = PARAMETER.split(route)[::3]  # the text between the parameters
            chosen = [values[n % len(values)] for values in choices]
            addresses.append("/" + "".join(p + v for p, v in zip(parts, [*chosen, ""], strict=True)))
    return list(dict.fromkeys(addresses))  # two routes of the same shape give the same address: asked once


@pytest.fixture
def people(service):
    provider, icb = service["provider"], service["commissioner"]
    factories.case(service["team_a"])
    admin = factories.user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    return {
        "nobody": None,
        "clinician": service["clinician"],
        "service manager": factories.user(Role.SERVICE_MANAGER, provider=provider),
        "commissioner": factories.user(Role.COMMISSIONER, commissioner=icb),
        "administrator": admin,
    }


def test_no_address_answers_500_to_anyone_whatever_its_parameters(people, settings):
    settings.REQUIRE_ADMIN_2FA = False
    addresses = _addresses()
    assert len(addresses) > 50 and any(a.startswith("/admin/") for a in addresses)
    server_errors = []
    for who, user in people.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        for address in addresses:
            for query in ({}, HOSTILE_QUERY):
                status = client.get(address, query).status_code
                if status >= 500:
                    server_errors.append((who, address, bool(query), status))
    assert server_errors == [], "\n".join(map(str, server_errors))


def test_an_administrator_never_sees_an_authenticator_apps_secret_in_the_admin(people, settings):
    """django-otp's key and QR code pages of a device: refused, for a real device as for a made-up one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.REQUIRE_ADMIN_2FA = False
    device = TOTPDevice.objects.create(user=people["clinician"], name="phone", confirmed=True)
    client = Client(raise_request_exception=False)
    client.force_login(people["administrator"])
    for pk in (device.pk, 0):
        for page in ("config", "qrcode"):
            assert client.get(f"/admin/otp_totp/totpdevice/{pk}/{page}/").status_code == 403
