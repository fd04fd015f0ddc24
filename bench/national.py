"""A national-scale synthetic data set (SPEC §8: 1M cases, 10M contacts) COPY-loaded into PostgreSQL.

Three providers of four teams each, six ICBs, cases referred over the two years to 31 October 2026 (80%
accepted, half of those closed), one allocation per accepted case (a fifth changed once), and contacts of
nine professions spread over each episode (80% attended, 12% did not attend, 8% cancelled).
"""

import datetime as dt
import io
from collections.abc import Iterator

import numpy as np
import pandas as pd

END = dt.date(2026, 10, 31)
START = dt.date(2024, 11, 1)
CHUNK = 1_000_000
PROFESSIONS = 9  # the professions installed by accounts/reference.py


def copy_frame(cursor, table: str, frame: pd.DataFrame) -> None:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=False, na_rep="\\N")
    buffer.seek(0)
    columns = ", ".join(frame.columns)
    cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer)


def _days(start: dt.date, values: np.ndarray) -> np.ndarray:
    return np.datetime64(start) + values.astype("timedelta64[D]")


def load_national(cases: int, contacts: int, rng: np.random.Generator) -> dict[str, list[str]]:
    """Load the data set; returns the provider and commissioner codes."""
    from django.db import connection

    from accounts.models import Commissioner, Profession, Provider, Role, Team, User
    from groupings.models import Grouping
    from groupings.selectors import current_rules_version

    providers = [Provider.objects.create(code=f"BP{n}", name=f"Bench trust {n}") for n in range(1, 4)]
    teams = [
        Team.objects.create(provider=provider, code=f"T{n}", name=f"{provider.code} team {n}")
        for provider in providers
        for n in range(1, 5)
    ]
    icbs = [Commissioner.objects.create(code=f"QB{n}", name=f"Bench ICB {n}") for n in range(1, 7)]
    clinician = User.objects.create(username="bench", role=Role.CLINICIAN)
    profession_ids = np.array(list(Profession.objects.order_by("pk").values_list("pk", flat=True)))
    if len(profession_ids) != PROFESSIONS:
        raise RuntimeError(f"expected {PROFESSIONS} professions, found {len(profession_ids)}")
    grouping_ids = np.array(
        list(Grouping.objects.filter(rules_version=current_rules_version()).values_list("pk", flat=True))
    )
    now = "2026-11-01 02:00:00+00"
    span = (END - START).days
    referral = rng.integers(0, span + 1, cases)
    accepted_after = rng.integers(0, 31, cases)
    accepted = (rng.random(cases) < 0.8) & (referral + accepted_after <= span)
    accepted_day = referral + accepted_after
    length = rng.integers(30, 400, cases)
    closed = accepted & (rng.random(cases) < 0.5) & (accepted_day + length <= span)
    closed_day = accepted_day + length
    with connection.cursor() as cursor:
        # Bulk load as pg_restore does: foreign keys are generated consistent, so skip their per-row checks.
        cursor.execute("SET session_replication_role = replica")
        raw = cursor.connection.cursor()
        copy_frame(
            raw,
            "assessments_patient",
            pd.DataFrame(
                {
                    "nhs_number": [f"{n:010d}" for n in range(cases)],
                    "given_name": "Bench",
                    "family_name": "Patient",
                    "date_of_birth": _days(dt.date(2001, 1, 1), rng.integers(0, 8400, cases)),
                    "gender": rng.choice(np.array(["1", "2", "9", "X"]), cases, p=[0.47, 0.5, 0.01, 0.02]),
                    "ethnic_category": "A",
                    "postcode": "LS1 4AP",
                    "registered_at": now,
                    "provider_id": providers[0].pk,  # each set to its case's provider below
                }
            ),
        )
        cursor.execute("SELECT min(id) FROM assessments_patient")
        first_patient = cursor.fetchone()[0]
        copy_frame(
            raw,
            "assessments_case",
            pd.DataFrame(
                {
                    "patient_id": first_patient + np.arange(cases),
                    "team_id": np.array([t.pk for t in teams])[rng.integers(0, len(teams), cases)],
                    "referral_date": _days(START, referral),
                    "referral_source": "gp",
                    "commissioner_id": np.array([c.pk for c in icbs])[rng.integers(0, len(icbs), cases)],
                    "accepted_date": pd.Series(_days(START, accepted_day)).where(accepted),
                    "closed_date": pd.Series(_days(START, closed_day)).where(closed),
                    "discharge_reason": np.where(closed, "completed", ""),
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            ),
        )
        cursor.execute("SELECT min(id) FROM assessments_case")
        first_case = cursor.fetchone()[0]
        cursor.execute(
            "UPDATE assessments_patient p SET provider_id = t.provider_id FROM assessments_case c "
            "JOIN accounts_team t ON t.id = c.team_id WHERE c.patient_id = p.id"
        )
        _load_allocations(
            raw, rng, first_case, accepted, accepted_day, closed, closed_day, grouping_ids, clinician.pk
        )
        _load_outcomes(raw, cursor, rng, first_case, accepted_day, closed, closed_day, clinician.pk)
        for frame in _contacts(rng, contacts, first_case, accepted, accepted_day, closed, closed_day):
            frame["clinician_id"] = clinician.pk
            frame["profession_id"] = profession_ids[frame.pop("profession")]
            frame["mode"] = "face_to_face"
            frame["recorded_at"] = now
            copy_frame(raw, "assessments_contact", frame)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE")
    return {"providers": [p.code for p in providers], "commissioners": [c.code for c in icbs]}


def _load_outcomes(raw, cursor, rng, first_case, accepted_day, closed, closed_day, by) -> None:
    """Two parent SDQs (first and last, total difficulties only) for 30% of the closed episodes."""
    cases = np.flatnonzero(closed & (rng.random(len(closed)) < 0.3))
    first_total = rng.integers(10, 35, len(cases))
    last_total = np.clip(first_total + rng.integers(-15, 8, len(cases)), 0, 40)
    n = len(cases)
    responses = pd.DataFrame(
        {
            "case_id": np.concatenate([first_case + cases, first_case + cases]),
            "measure": "sdq",
            "informant": "parent",
            "completed_on": np.concatenate(
                [_days(START, accepted_day[cases] + 1), _days(START, closed_day[cases] - 1)]
            ),
            "answers": "{}",
            "recorded_by_id": by,
            "recorded_at": "2026-11-01 02:00:00+00",
            "updated_at": "2026-11-01 02:00:00+00",
            "version": 1,
        }
    )
    cursor.execute("SELECT coalesce(max(id), 0) FROM assessments_measureresponse")
    first_response = cursor.fetchone()[0] + 1
    copy_frame(raw, "assessments_measureresponse", responses)
    copy_frame(
        raw,
        "assessments_measurescore",
        pd.DataFrame(
            {
                "response_id": first_response + np.arange(2 * n),
                "scale": "total_difficulties",
                "value": np.concatenate([first_total, last_total]),
            }
        ),
    )


def _load_allocations(
    raw, rng, first_case, accepted, accepted_day, closed, closed_day, grouping_ids, by
) -> None:
    cases = np.flatnonzero(accepted)
    start = accepted_day[cases] + 7
    end_of_episode = np.where(closed[cases], closed_day[cases], (END - START).days + 1)
    keep = start < end_of_episode
    cases, start, end_of_episode = cases[keep], start[keep], end_of_episode[keep]
    changed = (rng.random(len(cases)) < 0.2) & (end_of_episode - start > 20)
    change_day = start + (end_of_episode - start) // 2
    first_grouping = grouping_ids[rng.integers(0, len(grouping_ids), len(cases))]
    second_grouping = grouping_ids[rng.integers(0, len(grouping_ids), len(cases))]
    first_end = np.where(changed, change_day, np.where(closed[cases], end_of_episode, -1))
    rows = [
        (cases, start, first_end, first_grouping),
        (
            cases[changed],
            change_day[changed],
            np.where(closed[cases][changed], end_of_episode[changed], -1),
            second_grouping[changed],
        ),
    ]
    for case_index, begin, finish, grouping in rows:
        copy_frame(
            raw,
            "groupings_allocation",
            pd.DataFrame(
                {
                    "case_id": first_case + case_index,
                    "grouping_id": grouping,
                    "suggested_grouping_id": grouping,
                    "start_date": _days(START, begin),
                    "end_date": pd.Series(_days(START, np.maximum(finish, 0))).where(finish >= 0),
                    "review_due": _days(START, begin + 180),
                    "allocated_by_id": by,
                    "allocated_at": "2026-11-01 02:00:00+00",
                    "reason_category": "",
                    "reason_text": "",
                }
            ),
        )


_LONDON_OFFSET_MINUTES = (
    pd.date_range(START, END, freq="D")
    .tz_localize("Europe/London")
    .map(lambda day: day.utcoffset().seconds // 60)
).to_numpy()


def _contacts(
    rng, contacts, first_case, accepted, accepted_day, closed, closed_day
) -> Iterator[pd.DataFrame]:
    cases = np.flatnonzero(accepted)
    last_day = np.where(closed[cases], closed_day[cases] - 1, (END - START).days)
    for offset in range(0, contacts, CHUNK):
        n = min(CHUNK, contacts - offset)
        pick = rng.integers(0, len(cases), n)
        first = accepted_day[cases[pick]]
        day = first + (rng.random(n) * (last_day[pick] - first + 1)).astype(np.int64)
        # Office hours in Europe/London, written as UTC: minus an hour on summer-time days.
        minute = rng.integers(8 * 60, 18 * 60, n) - _LONDON_OFFSET_MINUTES[day]
        starts = _days(START, day).astype("datetime64[m]") + minute.astype("timedelta64[m]")
        yield pd.DataFrame(
            {
                "case_id": first_case + cases[pick],
                "starts_at": np.char.add(np.datetime_as_string(starts, unit="m"), "+00"),
                "duration_minutes": rng.choice(np.array([30, 45, 50, 60, 90]), n),
                "attendance": rng.choice(np.array(["attended", "dna", "cancelled"]), n, p=[0.8, 0.12, 0.08]),
                "profession": rng.integers(0, PROFESSIONS, n),
            }
        )
