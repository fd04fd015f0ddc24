"""Who may call the API: keys of one organisation with scopes, people with their session; nothing else."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.audit import Action, AuditEvent
from accounts.models import Role
from api import services
from api.models import ApiKey
from assessments.caseload_search import case_reference
from tests import factories
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

ONE_VIEW = json.dumps({"items": {"p09": "Moderate"}})


def suggest(client, **headers):
    return client.post(reverse("api:suggestions"), ONE_VIEW, content_type="application/json", **headers)


def urls(world) -> dict[str, tuple[str, str]]:
    ref = case_reference(world["case"].pk)
    return {
        "suggestions": ("post", reverse("api:suggestions")),
        "cases": ("get", reverse("api:cases")),
        "current_views": ("post", reverse("api:current_views", args=[ref])),
        "allocations": ("get", reverse("api:allocations", args=[ref])),
    }


# What each key gets: (owner, scopes) -> {endpoint: status}. A POST of an empty body that passes the guards
# answers 400 (its fields are missing): the call got as far as reading the body.
KEYS = {
    ("provider", ("grouping",)): {"suggestions": 400, "cases": 403, "current_views": 400, "allocations": 403},
    ("provider", ("records:read",)): {
        "suggestions": 403,
        "cases": 200,
        "current_views": 403,
        "allocations": 200,
    },
    ("provider", ("reports:read",)): {
        "suggestions": 403,
        "cases": 403,
        "current_views": 403,
        "allocations": 403,
    },
    ("elsewhere", ("grouping", "records:read")): {
        "suggestions": 400,
        "cases": 200,
        "current_views": 404,
        "allocations": 404,
    },
    ("icb", ("grouping", "reports:read")): {
        "suggestions": 400,
        "cases": 403,
        "current_views": 403,
        "allocations": 403,
    },
}


@pytest.mark.parametrize(("owner", "scopes"), list(KEYS))
def test_each_key_reaches_what_its_organisation_and_scopes_allow(client, world, key_for, owner, scopes):
    text = key_for(owner, scopes)
    wrong = []
    for name, (method, url) in urls(world).items():
        if method == "post":
            response = client.post(url, "{}", content_type="application/json", **bearer(text))
        else:
            response = client.get(url, **bearer(text))
        if response.status_code != KEYS[(owner, scopes)][name]:
            wrong.append(f"{name}: {response.status_code}, expected {KEYS[(owner, scopes)][name]}")
    assert not wrong, "\n".join(wrong)


SESSIONS = {
    "clinician": {"suggestions": 400, "cases": 200, "current_views": 400, "allocations": 200},
    "other_provider": {"suggestions": 400, "cases": 200, "current_views": 404, "allocations": 404},
    "commissioner": {"suggestions": 403, "cases": 403, "current_views": 403, "allocations": 403},
    "anonymous": {"suggestions": 401, "cases": 401, "current_views": 401, "allocations": 401},
}


@pytest.mark.parametrize("role", list(SESSIONS))
def test_people_use_the_api_with_their_session_as_their_pages_allow(client, world, role):
    users = {
        "clinician": world["clinician"],
        "other_provider": factories.user(Role.CLINICIAN, teams=(factories.team(world["elsewhere"]),)),
        "commissioner": factories.user(Role.COMMISSIONER, commissioner=world["icb"]),
        "anonymous": None,
    }
    if users[role] is not None:
        client.force_login(users[role])
    wrong = []
    for name, (method, url) in urls(world).items():
        if method == "post":
            response = client.post(url, "{}", content_type="application/json")
        else:
            response = client.get(url)
        if response.status_code != SESSIONS[role][name]:
            wrong.append(f"{name}: {response.status_code}, expected {SESSIONS[role][name]}")
    assert not wrong, "\n".join(wrong)


def test_a_session_call_that_writes_needs_the_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world["clinician"])
    response = suggest(client)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_a_key_of_one_provider_never_lists_another_providers_case(client, world, key_for):
    mine = client.get(reverse("api:cases"), **bearer(key_for("provider", ["records:read"]))).json()
    theirs = client.get(reverse("api:cases"), **bearer(key_for("elsewhere", ["records:read"]))).json()
    assert [row["ref"] for row in mine["results"]] == [case_reference(world["case"].pk)]
    assert [row["ref"] for row in theirs["results"]] == [case_reference(world["other_case"].pk)]


@pytest.mark.parametrize(
    "header",
    ["Bearer cpbr_000000000000_" + "a" * 43, "Bearer not-a-key", "Bearer "],
)
def test_an_unknown_or_malformed_key_answers_401(client, world, header):
    response = suggest(client, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_key_with_a_wrong_secret_answers_401(client, world, key_for):
    text = key_for("provider", ["grouping"])
    assert suggest(client, **bearer(text[:-1] + ("A" if text[-1] != "A" else "B"))).status_code == 401


def test_a_revoked_key_answers_401_from_its_revocation_on(client, world, key_for):
    text = key_for("provider", ["grouping"])
    assert suggest(client, **bearer(text)).status_code == 200
    services.revoke_key(by=None, key=ApiKey.objects.get(prefix=text.split("_")[1]))
    assert suggest(client, **bearer(text)).status_code == 401


def test_an_expired_key_answers_401(client, world, key_for):
    past = key_for("provider", ["grouping"], expires_at=timezone.now() - dt.timedelta(seconds=1))
    future = key_for("provider", ["grouping"], expires_at=timezone.now() + dt.timedelta(days=1))
    assert suggest(client, **bearer(past)).status_code == 401
    assert suggest(client, **bearer(future)).status_code == 200


def test_only_the_digest_of_a_key_is_stored(world, key_for):
    text = key_for("provider", ["grouping"])
    key = ApiKey.objects.get(prefix=text.split("_")[1])
    stored = json.dumps([key.prefix, key.digest, key.scopes])
    assert text.split("_")[2] not in stored


def test_a_commissioners_client_cannot_hold_a_key_to_case_records(world):
    client = services.create_client(by=None, name="ICB analysts", commissioner=world["icb"])
    with pytest.raises(services.ClientRefused):
        services.issue_key(by=None, client=client, scopes=["records:read"])


def test_calls_beyond_the_rate_answer_429_with_retry_after(client, world, key_for, settings):
    settings.API_RATE = "3/min"
    text, other = key_for("provider", ["grouping"]), key_for("provider", ["grouping"], name="second")
    statuses = [suggest(client, **bearer(text)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = suggest(client, **bearer(text))
    assert int(refused.headers["Retry-After"]) > 0
    assert suggest(client, **bearer(other)).status_code == 200  # each key has its own count


def test_reads_of_case_records_are_written_to_the_audit_trail(client, world, key_for):
    text = key_for("provider", ["records:read"])
    client.get(reverse("api:cases"), **bearer(text))
    client.get(reverse("api:allocations", args=[case_reference(world["case"].pk)]), **bearer(text))
    events = AuditEvent.objects.filter(username__startswith="api-").order_by("pk")
    assert [event.action for event in events if event.action != Action.ADMIN_ADD] == [
        Action.VIEW_CASELOAD,
        Action.VIEW_CASE,
    ]
    last = events.last()
    assert last is not None and last.case_id == world["case"].pk
