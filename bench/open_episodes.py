"""A large provider's open caseload COPY-loaded into PostgreSQL, for the page benchmark (bench/dashboard.py).

One provider of six teams (30/20/15/15/10/10% of the cases), three ICBs, 25 clinicians a team; `open_cases`
open episodes referred over the two years to AS_OF (90% accepted) with `contacts_per_case` contacts each on
average, and half as many closed episodes behind them. Every accepted episode has a Current View, its
suggestion (the vectorised engine, current rules version) and an allocation (78% following the suggestion,
the rest another grouping with a reason), as seed_demo makes them. Names and NHS numbers come from the demo.
"""

import datetime as dt

import numpy as np
import pandas as pd
from national import copy_frame

AS_OF = dt.date(2026, 10, 31)
TEAM_SHARES = [0.3, 0.2, 0.15, 0.15, 0.1, 0.1]
CLINICIANS_PER_TEAM = 25
NOW = f"{AS_OF} 18:00:00+00"


def _days_before(days: np.ndarray) -> pd.Series:
    return pd.Series(pd.Timestamp(AS_OF) - pd.to_timedelta(days, unit="D"))


def _next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
    return cursor.fetchone()[0]


def load(open_cases: int, contacts_per_case: int, rng: np.random.Generator) -> dict:
    """Load the caseload; returns the counts loaded."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from accounts.models import Commissioner, Profession, Provider, Role, Team, User
    from assessments.current_view_items import ALL_ITEMS
    from demo.groupings import OVERRIDE_TEXT, ratings
    from demo.seed import FAMILY_NAMES, GIVEN_NAMES, OUTCODES, demo_nhs_numbers
    from groupings.models import RulesVersion
    from groupings.reviews import review_due
    from groupings.rules import suggest_arrays

    provider = Provider.objects.create(code="BENCH", name="Bench Children's NHS Trust")
    teams = [
        Team.objects.create(provider=provider, code=f"T{n}", name=f"Bench team {n}")
        for n in range(1, len(TEAM_SHARES) + 1)
    ]
    icbs = [Commissioner.objects.create(code=f"QB{n}", name=f"Bench ICB {n}") for n in range(1, 4)]
    professions = list(Profession.objects.order_by("pk"))
    unusable = make_password(None)
    staff = User.objects.bulk_create(
        User(
            username=f"bench.clinician.{team.code.lower()}.{n}",
            first_name=str(rng.choice(GIVEN_NAMES)),
            last_name=str(rng.choice(FAMILY_NAMES)),
            role=Role.CLINICIAN,
            profession=professions[n % len(professions)],
            password=unusable,
        )
        for team in teams
        for n in range(CLINICIANS_PER_TEAM)
    )
    User.teams.through.objects.bulk_create(
        User.teams.through(user_id=user.pk, team_id=teams[i // CLINICIANS_PER_TEAM].pk)
        for i, user in enumerate(staff)
    )
    staff_ids = np.array([u.pk for u in staff]).reshape(len(teams), CLINICIANS_PER_TEAM)
    staff_professions = np.array([u.profession_id for u in staff]).reshape(len(teams), CLINICIANS_PER_TEAM)

    closed_cases = open_cases // 2
    n = open_cases + closed_cases
    is_open = np.arange(n) < open_cases
    team_index = rng.choice(len(teams), size=n, p=TEAM_SHARES)
    referred_ago = rng.integers(0, 730, n)
    accept_delay = rng.integers(0, 42, n)
    accepted = is_open & (rng.random(n) < 0.9) & (accept_delay < referred_ago) | ~is_open
    accept_delay = np.where(~is_open, np.minimum(accept_delay, referred_ago // 2), accept_delay)
    accepted_ago = referred_ago - accept_delay
    closed_ago = np.where(is_open, -1, (accepted_ago * rng.random(n)).astype(int))
    age_days = (np.clip(rng.normal(12.5, 3.8, n), 3, 24) * 365.25).astype(int) + referred_ago

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # generated consistent, as pg_restore does
        raw = cursor.connection.cursor()
        first_patient = _next_id(cursor, "assessments_patient")
        copy_frame(
            raw,
            "assessments_patient",
            pd.DataFrame(
                {
                    "provider_id": provider.pk,
                    "nhs_number": demo_nhs_numbers(n, rng),
                    "given_name": rng.choice(GIVEN_NAMES, n),
                    "family_name": rng.choice(FAMILY_NAMES, n),
                    "date_of_birth": _days_before(age_days),
                    "gender": rng.choice(np.array(["1", "2", "9", "X"]), n, p=[0.47, 0.5, 0.01, 0.02]),
                    "ethnic_category": "A",
                    "postcode": np.char.add(rng.choice(OUTCODES, n), " 4AP"),
                    "registered_at": NOW,
                }
            ),
        )
        first_case = _next_id(cursor, "assessments_case")
        copy_frame(
            raw,
            "assessments_case",
            pd.DataFrame(
                {
                    "patient_id": first_patient + np.arange(n),
                    "team_id": np.array([t.pk for t in teams])[team_index],
                    "referral_date": _days_before(referred_ago),
                    "referral_source": "gp",
                    "commissioner_id": np.array([c.pk for c in icbs])[rng.integers(0, len(icbs), n)],
                    "accepted_date": _days_before(accepted_ago).where(accepted),
                    "closed_date": _days_before(closed_ago).where(~is_open),
                    "discharge_reason": np.where(is_open, "", "completed"),
                    "created_at": NOW,
                    "updated_at": NOW,
                    "version": 1,
                }
            ),
        )
        case_ids = first_case + np.arange(n)

        # A Current View, its suggestion and an allocation for every accepted episode.
        views = np.flatnonzero(accepted)
        codes = ratings(len(views), rng)
        rules_version = RulesVersion.objects.get(is_current=True)
        result = suggest_arrays(codes, rules_version.ruleset())
        completed_ago = np.maximum(accepted_ago[views] - rng.integers(0, 15, len(views)), 0)
        completed_ago = np.where(is_open[views], completed_ago, np.maximum(completed_ago, closed_ago[views]))
        practitioner = staff_ids[team_index[views], rng.integers(0, CLINICIANS_PER_TEAM, len(views))]
        items = pd.DataFrame(np.where(codes < 0, np.nan, codes), columns=list(ALL_ITEMS)).astype("Int64")
        first_view = _next_id(cursor, "assessments_currentview")
        copy_frame(
            raw,
            "assessments_currentview",
            pd.concat(
                [
                    pd.DataFrame(
                        {
                            "case_id": case_ids[views],
                            "completed_on": _days_before(completed_ago),
                            "reason": "first_contact",
                            "practitioner_id": practitioner,
                            "recorded_by_id": practitioner,
                            "recorded_at": NOW,
                        }
                    ),
                    items,
                ],
                axis=1,
            ),
        )
        grouping_ids = dict(rules_version.groupings.values_list("code", "pk"))
        months = dict(rules_version.groupings.values_list("pk", "review_months"))
        suggested = pd.Series(result.grouping).map(grouping_ids).astype("Int64")
        first_suggestion = _next_id(cursor, "groupings_suggestion")
        copy_frame(
            raw,
            "groupings_suggestion",
            pd.DataFrame(
                {
                    "current_view_id": first_view + np.arange(len(views)),
                    "scheme_id": rules_version.pk,
                    "grouping_id": suggested,
                    "rule": result.rule,
                    "complexity_count": result.complexity_count,
                    "attendance_flag": result.attendance_flag,
                    "risk_flag": result.risk_flag,
                    "created_at": NOW,
                }
            ),
        )
        every_grouping = np.array(list(grouping_ids.values()))
        follows = suggested.notna().to_numpy() & (rng.random(len(views)) < 0.78)
        other = every_grouping[rng.integers(0, len(every_grouping), len(views))]
        other = np.where(other == suggested.fillna(-1).to_numpy(), np.roll(other, 1), other)
        chosen = np.where(follows, suggested.fillna(-1).to_numpy(), other)
        reasons = np.array(list(OVERRIDE_TEXT))
        why = reasons[rng.integers(0, len(reasons), len(views))]
        start = pd.Timestamp(AS_OF) - pd.to_timedelta(completed_ago, unit="D")
        due = [review_due(day, months[g]) for day, g in zip(start.date, chosen.tolist(), strict=True)]
        copy_frame(
            raw,
            "groupings_allocation",
            pd.DataFrame(
                {
                    "case_id": case_ids[views],
                    "grouping_id": chosen,
                    "suggestion_id": first_suggestion + np.arange(len(views)),
                    "suggested_grouping_id": suggested,
                    "start_date": start,
                    "end_date": _days_before(closed_ago[views]).where(~is_open[views]),
                    "review_due": due,
                    "allocated_by_id": practitioner,
                    "allocated_at": NOW,
                    "reason_category": np.where(follows, "", why),
                    "reason_text": np.where(follows, "", [OVERRIDE_TEXT[r] for r in why]),
                }
            ),
        )

        # Contacts of the open, accepted episodes, by their own team's clinicians.
        open_accepted = np.flatnonzero(accepted & is_open)
        total = contacts_per_case * open_cases
        pick = open_accepted[rng.integers(0, len(open_accepted), total)]
        day_ago = (accepted_ago[pick] * rng.random(total)).astype(int)
        who = rng.integers(0, CLINICIANS_PER_TEAM, total)
        copy_frame(
            raw,
            "assessments_contact",
            pd.DataFrame(
                {
                    "case_id": case_ids[pick],
                    "starts_at": (
                        _days_before(day_ago) + pd.to_timedelta(rng.integers(9, 17, total), unit="h")
                    ).dt.strftime("%Y-%m-%d %H:%M+00"),
                    "duration_minutes": rng.choice(np.array([30, 45, 60, 60, 60, 90]), total),
                    "attendance": rng.choice(
                        np.array(["attended", "dna", "cancelled"]), total, p=[0.84, 0.11, 0.05]
                    ),
                    "clinician_id": staff_ids[team_index[pick], who],
                    "profession_id": staff_professions[team_index[pick], who],
                    "mode": "face_to_face",
                    "recorded_at": NOW,
                }
            ),
        )
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("VACUUM ANALYZE")  # as autovacuum leaves a settled database
    return {
        "open": open_cases,
        "closed": closed_cases,
        "current_views": len(views),
        "contacts": total,
    }
