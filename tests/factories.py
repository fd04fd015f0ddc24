"""Small builders for test data: each makes one valid object and takes overrides."""

import datetime as dt
import functools
import itertools
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Commissioner, Profession, Provider, Role, Team, User
from assessments import services
from assessments.models import Case, Contact, Patient
from assessments.nhs_number import check_digit

_counter = itertools.count(1)
PASSWORD = "a-long-test-password"


@functools.cache
def _password_hash() -> str:
    """The hash every factory user's PASSWORD is stored as, made once a process: Argon2id at OWASP's settings
    takes about 20 ms a hash, and the suite makes thousands of users (a new password's own hashing is
    tests/accounts/test_password_storage.py's)."""
    return make_password(PASSWORD)


def next_nhs_number() -> str:
    while True:
        stem = f"999{next(_counter) + 100000:06d}"
        digit = check_digit(stem)
        if digit is not None:
            return f"{stem}{digit}"


def provider(**overrides) -> Provider:
    n = next(_counter)
    return Provider.objects.create(**{"code": f"P{n}", "name": f"Provider {n}", **overrides})


def team(provider_: Provider | None = None, **overrides) -> Team:
    n = next(_counter)
    return Team.objects.create(
        **{"provider": provider_ or provider(), "code": f"T{n}", "name": f"Team {n}", **overrides}
    )


def commissioner(**overrides) -> Commissioner:
    n = next(_counter)
    return Commissioner.objects.create(**{"code": f"Q{n:02d}", "name": f"ICB {n}", **overrides})


def user(role: str = Role.CLINICIAN, teams: tuple[Team, ...] = (), **overrides) -> User:
    n = next(_counter)
    fields: dict[str, Any] = {
        "username": f"user{n}",
        "first_name": "Test",
        "last_name": f"User{n}",
        "role": role,
    }
    if role in (Role.CLINICIAN, Role.TEAM_MANAGER) and "profession" not in overrides:
        fields["profession"] = Profession.objects.get(code="mh_nurse")
    created = User.objects.create(password=_password_hash(), **{**fields, **overrides})
    created.teams.set(teams)
    return created


def service() -> dict[str, Any]:
    """A provider with two teams, a commissioner, and a clinician in the first team (the `service` fixture)."""
    provider_ = provider()
    team_a, team_b = team(provider_), team(provider_)
    return {
        "provider": provider_,
        "team_a": team_a,
        "team_b": team_b,
        "commissioner": commissioner(),
        "clinician": user(Role.CLINICIAN, teams=(team_a,)),
    }


def patient(**overrides) -> Patient:
    """A patient of `provider` (a new provider unless given)."""
    fields = {
        "nhs_number": next_nhs_number(),
        "given_name": "Alex",
        "family_name": f"Tester{next(_counter)}",
        "date_of_birth": dt.date(2012, 5, 17),
        "gender": "2",
        "ethnic_category": "A",
        "postcode": "LS1 4AP",
    }
    if "provider" not in overrides:
        overrides["provider"] = provider()
    return Patient.objects.create(**{**fields, **overrides})


def case(team_: Team, patient_: Patient | None = None, **overrides) -> Case:
    fields = {
        "patient": patient_ or patient(provider=team_.provider),
        "team": team_,
        "referral_date": dt.date(2025, 3, 1),
        "referral_source": "gp",
        "commissioner": overrides.pop("commissioner", None) or commissioner(),
        "accepted_date": dt.date(2025, 3, 10),
    }
    return Case.objects.create(**{**fields, **overrides})


def contact(case_: Case, clinician: User, **overrides) -> Contact:
    fields = {
        "case": case_,
        "starts_at": timezone.make_aware(dt.datetime(2025, 4, 1, 10, 0)),
        "duration_minutes": 60,
        "attendance": "attended",
        "mode": "face_to_face",
        "clinician": clinician,
        "profession_id": clinician.profession_id,
    }
    return Contact.objects.create(**{**fields, **overrides})


def discharge(case_: Case, by: User, on: dt.date | None = None, reason: str = "completed") -> Case:
    """`case_` discharged through the service, as its clinician would, on `on` (today unless given)."""
    return services.discharge_case(
        by=by,
        case=case_,
        closed_date=on or timezone.localdate(),
        discharge_reason=reason,
        version=case_.version,
    )
