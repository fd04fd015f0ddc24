"""Synthetic demo service: deterministic for a seed and an as-of date, written with bulk inserts."""

import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np
from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import Commissioner, Profession, Provider, Role, Team, User
from assessments.choices import (
    Attendance,
    ContactMode,
    DischargeReason,
    EthnicCategory,
    ReferralSource,
)
from assessments.models import Case, Contact, Patient
from camhs_pbr.lib.copy_rows import insert_rows
from camhs_pbr.lib.service_time import service_zone
from demo.appointments import contact_counts, expected_contacts
from demo.groupings import ratings, seed_grouping_history
from demo.outcomes import seed_outcomes
from demo.stamps import Stamps, stamped_as_given

DEMO_PASSWORD = "demo-password-2026"
BATCH = 5000
NOTE_MINUTES = 20
CONTACT_FIELDS = (
    "case_id",
    "starts_at",
    "recorded_at",
    "duration_minutes",
    "attendance",
    "mode",
    "clinician_id",
    "profession_id",
)

GIVEN_NAMES = (
    "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Sophia Grace Freya Poppy Evie Ella Willow Aisha Zara Maya "
    "Noah Oliver George Leo Arthur Muhammad Harry Oscar Archie Henry Jack Theo Charlie Freddie Alfie Finley "
    "Ethan Joshua Reuben Kai Ibrahim Yusuf Priya Chloe Ruby Amara Tomasz Jakub Kofi Ada Niamh Rhys Cerys"
).split()
FAMILY_NAMES = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Wright Robinson Thompson Evans Walker White "
    "Roberts Green Hall Wood Jackson Clarke Khan Hughes Edwards Ahmed Lewis Ali Turner Hill Morris Cooper Ward "
    "Moore King Harris Baker Lee Martin Hussain Begum Kowalski Okafor Mensah Murphy Kelly Nguyen Singh Shah"
).split()
OUTCODES = "LS1 LS6 LS9 BD3 BD7 HX1 WF1 WF10 HD1 HD3 YO1 YO24 HG1 S1 S6 DN1".split()
PROFESSION_WEIGHTS = {
    "mh_nurse": 0.25,
    "clin_psych": 0.15,
    "cwp": 0.15,
    "psychiatrist": 0.08,
    "family_therapist": 0.1,
    "psychotherapist": 0.07,
    "occ_therapist": 0.06,
    "social_worker": 0.08,
    "assistant_psych": 0.06,
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    scope: str


DEMO_LOGINS = (
    DemoLogin("clinician", "Clinician", "North Community CAMHS"),
    DemoLogin("clinician.south", "Clinician", "South Community CAMHS"),
    DemoLogin("manager", "Team manager", "North Community CAMHS"),
    DemoLogin("service.manager", "Service manager", "Northshire Children's NHS Trust (demo)"),
    DemoLogin("commissioner", "Commissioner", "Demo ICB North (QDN)"),
    DemoLogin("data.manager", "Data manager", "Northshire Children's NHS Trust (demo): load demo/extract/"),
    DemoLogin("admin", "Administrator", "Django admin"),
)


@dataclass
class SeedSummary:
    providers: int
    teams: int
    clinicians: int
    patients: int
    cases: int
    contacts: int
    current_views: int
    measures: int


def demo_nhs_numbers(count: int, rng: np.random.Generator) -> list[str]:
    """`count` distinct valid NHS numbers from the 999 range, which is never issued to patients (SPEC §7), bar
    its last 10,000 stems: the demo extract's patients (demo/extract/) have those, so they load beside these."""
    numbers = _valid_demo_numbers()
    if count > numbers.size:
        raise ValueError(f"At most {numbers.size} demo NHS numbers exist")
    chosen = rng.choice(numbers, size=count, replace=False)
    return [str(n) for n in chosen]


@functools.cache
def _valid_demo_numbers() -> np.ndarray:
    """Every valid NHS number of those stems, in order (worked out once a process: the modulus 11 check digit
    of 990,000 stems, one digit at a time rather than through a 990,000 x 9 array of digits)."""
    stems = np.arange(999_000_000, 999_990_000, dtype=np.int64)
    weighted = np.zeros_like(stems)
    rest = stems.copy()
    for weight in range(2, 11):  # the last digit of a stem weighs 2, its first 10
        weighted += rest % 10 * weight
        rest //= 10
    check = 11 - weighted % 11
    check[check == 11] = 0
    valid = check != 10
    numbers = stems[valid] * 10 + check[valid]
    numbers.flags.writeable = False
    return numbers


def seed(*, cases: int, seed: int, as_of: dt.date) -> SeedSummary:
    """Build providers, teams, commissioners, users, patients, cases and contacts over two years to `as_of`."""
    rng = np.random.default_rng(seed)
    with transaction.atomic():
        orgs = _organisations()
        clinicians = _users(orgs, cases, rng)
        patients = _patients(cases, rng, as_of)
        case_rows = _cases(patients, orgs, rng, as_of)
        # The Current Views are drawn first: each case's contacts depend on its view (demo/appointments.py).
        codes = ratings(sum(case.accepted_date is not None for case in case_rows), rng)
        contact_count = _contacts(case_rows, clinicians, rng, as_of, _contact_means(case_rows, codes, orgs))
        current_views = seed_grouping_history(case_rows, clinicians, rng, as_of, codes)
        measures = seed_outcomes(case_rows, clinicians, rng, as_of)
    return SeedSummary(
        providers=len(orgs["providers"]),
        teams=len(orgs["teams"]),
        clinicians=sum(len(v) for v in clinicians.values()),
        patients=len(patients),
        cases=len(case_rows),
        contacts=contact_count,
        current_views=current_views,
        measures=measures,
    )


def _organisations() -> dict:
    north = Provider.objects.create(code="DEMO-N", name="Northshire Children's NHS Trust (demo)")
    south = Provider.objects.create(code="DEMO-S", name="Southvale Health NHS Trust (demo)")
    teams = []
    for provider, place in ((north, "North"), (south, "South")):
        for code, kind in (
            ("COM", "Community CAMHS"),
            ("ND", "Neurodevelopmental team"),
            ("ED", "Eating disorders team"),
        ):
            teams.append(
                Team.objects.create(provider=provider, code=f"{place[0]}-{code}", name=f"{place} {kind}")
            )
    commissioners = [
        Commissioner.objects.create(code="QDN", name="Demo ICB North"),
        Commissioner.objects.create(code="QDS", name="Demo ICB South"),
        Commissioner.objects.create(code="QDE", name="Demo ICB East"),
    ]
    return {"providers": [north, south], "teams": teams, "commissioners": commissioners}


def _users(orgs: dict, cases: int, rng: np.random.Generator) -> dict[int, list[User]]:
    password = make_password(DEMO_PASSWORD)
    professions = {p.code: p for p in Profession.objects.all()}
    codes = list(PROFESSION_WEIGHTS)
    weights = np.array(list(PROFESSION_WEIGHTS.values()))
    teams = orgs["teams"]
    per_team = max(3, -(-cases // (len(teams) * 400)))
    users, memberships = [], []
    for team_index, team in enumerate(teams):
        picks = rng.choice(len(codes), size=per_team, p=weights / weights.sum())
        for n, pick in enumerate(picks, start=1):
            given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
            users.append(
                User(
                    username=f"{team.code.lower()}.{n:03d}",
                    first_name=given,
                    last_name=family,
                    password=password,
                    role=Role.CLINICIAN,
                    profession=professions[codes[pick]],
                )
            )
            memberships.append(team_index)
    north_community, south_community = teams[0], teams[3]
    named = [
        (
            User(
                username="clinician",
                first_name="Cara",
                last_name="Lin",
                role=Role.CLINICIAN,
                profession=professions["mh_nurse"],
            ),
            [north_community],
        ),
        (
            User(
                username="clinician.south",
                first_name="Sam",
                last_name="Okoro",
                role=Role.CLINICIAN,
                profession=professions["clin_psych"],
            ),
            [south_community],
        ),
        (
            User(
                username="manager",
                first_name="Tess",
                last_name="Mann",
                role=Role.TEAM_MANAGER,
                profession=professions["clin_psych"],
            ),
            [north_community],
        ),
        (
            User(
                username="service.manager",
                first_name="Sid",
                last_name="Marsh",
                role=Role.SERVICE_MANAGER,
                provider=orgs["providers"][0],
            ),
            [],
        ),
        (
            User(
                username="data.manager",
                first_name="Dana",
                last_name="Moor",
                role=Role.DATA_MANAGER,
                provider=orgs["providers"][0],
            ),
            [],
        ),
        (
            User(
                username="commissioner",
                first_name="Cleo",
                last_name="Moss",
                role=Role.COMMISSIONER,
                commissioner=orgs["commissioners"][0],
            ),
            [],
        ),
        (
            User(
                username="admin",
                first_name="Ada",
                last_name="Minh",
                role=Role.ADMINISTRATOR,
                is_staff=True,
                is_superuser=True,
            ),
            [],
        ),
    ]
    for user, _ in named:
        user.password = password
    created = User.objects.bulk_create(users + [user for user, _ in named], batch_size=BATCH)
    Membership = User.teams.through
    links = [
        Membership(user_id=u.pk, team_id=teams[i].pk) for u, i in zip(created, memberships, strict=False)
    ]
    links += [
        Membership(user_id=user.pk, team_id=team.pk) for user, named_teams in named for team in named_teams
    ]
    Membership.objects.bulk_create(links, batch_size=BATCH)
    by_team: dict[int, list[User]] = {team.pk: [] for team in teams}
    for user, team_index in zip(created, memberships, strict=False):
        by_team[teams[team_index].pk].append(user)
    for user, named_teams in named:
        for team in named_teams:
            by_team[team.pk].append(user)
    return by_team


def _patients(count: int, rng: np.random.Generator, as_of: dt.date) -> list[Patient]:
    """Unsaved: each is written with its case, registered when its referral came in and held by its case's
    provider (both set by `_cases`)."""
    # Ages at referral mostly 4-17, a tail to 25; dates of birth are placed so that the referral fits.
    numbers = demo_nhs_numbers(count, rng)
    genders = rng.choice(["1", "2", "9", "X"], size=count, p=[0.47, 0.5, 0.01, 0.02])
    ethnic_codes = [c.value for c in EthnicCategory]
    ethnic_p = np.full(len(ethnic_codes), 0.02)
    ethnic_p[0] = 1 - ethnic_p[1:].sum()
    ethnicities = rng.choice(ethnic_codes, size=count, p=ethnic_p)
    ages_days = (np.clip(rng.normal(12.5, 3.8, size=count), 2, 24) * 365.25).astype(int) + 730
    given = rng.choice(GIVEN_NAMES, size=count)
    family = rng.choice(FAMILY_NAMES, size=count)
    outcodes = rng.choice(OUTCODES, size=count)
    inward = rng.integers(0, 10, size=count)
    letters = rng.choice(list("ABDEFGHJLNPQRSTUWXYZ"), size=(count, 2))
    patients = [
        Patient(
            nhs_number=numbers[i],
            given_name=given[i],
            family_name=family[i],
            date_of_birth=as_of - dt.timedelta(days=int(ages_days[i])),
            gender=genders[i],
            ethnic_category=ethnicities[i],
            postcode=f"{outcodes[i]} {inward[i]}{letters[i, 0]}{letters[i, 1]}",
        )
        for i in range(count)
    ]
    return patients


def _cases(patients: list[Patient], orgs: dict, rng: np.random.Generator, as_of: dt.date) -> list[Case]:
    n = len(patients)
    teams, commissioners = orgs["teams"], orgs["commissioners"]
    team_index = rng.choice(len(teams), size=n, p=[0.3, 0.1, 0.05, 0.35, 0.13, 0.07])
    home_icb = np.where(team_index < 3, 0, 1)
    commissioner_index = np.where(rng.random(n) < 0.9, home_icb, 2)
    referral_offset = rng.integers(0, 730, size=n)
    accepted = rng.random(n) < 0.9
    accept_delay = rng.integers(0, 42, size=n)
    length = rng.gamma(2.0, 120.0, size=n).astype(int) + 14
    sources = [s.value for s in ReferralSource]
    source = rng.choice(len(sources), size=n, p=_weights(len(sources), first=0.4))
    reasons = [r.value for r in DischargeReason if r != DischargeReason.NOT_ACCEPTED]
    reason = rng.choice(len(reasons), size=n, p=_weights(len(reasons), first=0.55))
    stamps = Stamps.until(as_of)
    rows = []
    for i, patient in enumerate(patients):
        referral = as_of - dt.timedelta(days=int(referral_offset[i]))
        dob = patient.date_of_birth
        if referral < dob + dt.timedelta(days=365):
            referral = dob + dt.timedelta(days=365)
        accepted_on = min(referral + dt.timedelta(days=int(accept_delay[i])), as_of) if accepted[i] else None
        closed_on, why = None, ""
        if accepted_on is None:
            if referral + dt.timedelta(days=14) <= as_of:
                closed_on, why = referral + dt.timedelta(days=14), DischargeReason.NOT_ACCEPTED.value
        elif accepted_on + dt.timedelta(days=int(length[i])) <= as_of:
            closed_on, why = accepted_on + dt.timedelta(days=int(length[i])), reasons[reason[i]]
        patient.registered_at = stamps.working_time(referral, i)
        # No random draw: the data of the draws that follow stay as they were.
        patient.provider_id = teams[team_index[i]].provider_id
        rows.append(
            Case(
                patient=patient,
                team=teams[team_index[i]],
                referral_date=referral,
                referral_source=sources[source[i]],
                commissioner=commissioners[commissioner_index[i]],
                accepted_date=accepted_on,
                closed_date=closed_on,
                discharge_reason=why,
                created_at=patient.registered_at,
                updated_at=stamps.working_time(closed_on or accepted_on or referral, i),
            )
        )
    with stamped_as_given((Patient, "registered_at"), (Case, "created_at"), (Case, "updated_at")):
        Patient.objects.bulk_create(patients, batch_size=BATCH)
        return Case.objects.bulk_create(rows, batch_size=BATCH)


def _contact_means(cases: list[Case], codes: np.ndarray, orgs: dict) -> np.ndarray:
    """Mean contacts of each case: from its Current View and team when accepted (none otherwise)."""
    team_codes = {team.pk: team.code for team in orgs["teams"]}
    accepted = np.array([case.accepted_date is not None for case in cases], dtype=bool)
    means = np.zeros(len(cases))
    means[accepted] = expected_contacts(
        codes, [team_codes[case.team_id] for case in cases if case.accepted_date is not None]
    )
    return means


def _contacts(
    cases: list[Case],
    clinicians: dict[int, list[User]],
    rng: np.random.Generator,
    as_of: dt.date,
    means: np.ndarray,
) -> int:
    attendances = [Attendance.ATTENDED.value, Attendance.DID_NOT_ATTEND.value, Attendance.CANCELLED.value]
    modes = [ContactMode.FACE_TO_FACE.value, ContactMode.VIDEO.value, ContactMode.TELEPHONE.value]
    durations = np.array([30, 45, 60, 60, 60, 90])
    stamps = Stamps.until(as_of)
    total = 0
    for start in range(0, len(cases), 20_000):
        chunk = cases[start : start + 20_000]
        counts = contact_counts(means[start : start + 20_000], rng)
        size = int(counts.sum())
        fraction = rng.random(size)
        attendance = rng.choice(3, size=size, p=[0.84, 0.11, 0.05])
        mode = rng.choice(3, size=size, p=[0.7, 0.2, 0.1])
        duration = rng.choice(durations, size=size)
        hour = rng.integers(9, 17, size=size)
        pick = rng.integers(0, 1_000_000, size=size)
        rows, k = [], 0
        for case, count in zip(chunk, counts, strict=True):
            if case.accepted_date is None or count == 0:
                k += count
                continue
            first = case.accepted_date
            last = min(case.closed_date or as_of, as_of - dt.timedelta(days=1))
            span = max((last - first).days, 0)
            staff = clinicians[case.team_id]
            for j in range(k, k + count):
                day = first + dt.timedelta(days=int(fraction[j] * span))
                clinician = staff[pick[j] % len(staff)]
                starts_at = dt.datetime.combine(day, dt.time(int(hour[j])), tzinfo=service_zone())
                rows.append(
                    (
                        case.pk,
                        starts_at,
                        # the note is written soon after the contact ends
                        stamps.capped(starts_at + dt.timedelta(minutes=int(duration[j]) + NOTE_MINUTES)),
                        int(duration[j]),
                        attendances[attendance[j]],
                        modes[mode[j]],
                        clinician.pk,
                        clinician.profession_id,
                    )
                )
            k += count
        with stamped_as_given((Contact, "recorded_at")):
            total += insert_rows(Contact, CONTACT_FIELDS, rows, batch_size=BATCH)
    return total


def _weights(size: int, first: float) -> np.ndarray:
    rest = (1 - first) / (size - 1)
    return np.array([first] + [rest] * (size - 1))
