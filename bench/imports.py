"""Records from the records system at national scale: an extract of 1,000,000 patients and referrals,
10,000,000 contacts and 500,000 Current Views (times `--scale`) generated, then loaded by
`manage.py import_records` (the workers' code path) into a fresh PostgreSQL database one file at a time
(delta extracts, in load order), beside two reference figures: the same file COPYed into an unindexed table of
text columns (the COPY floor: the fastest the rows can go into the database), and the same rows, already typed
and checked, written by one INSERT ... SELECT into an empty twin of their destination table, with its indexes,
check constraints and foreign keys, the commit included (the write floor: what the destination table itself
costs, whatever the import does before). Prints rows per second per file against both, the importing process's
peak memory, and the time to load the whole unchanged extract again (targets: the whole extract in under 15
minutes, at least a fifth of the COPY floor, the worker under 1 GB, a re-load in under half the load). Between
the write floor and the import's figure is the import's own work (staging, checks, the merge's joins, the
suggestions of Current Views); between the COPY floor and the write floor, the destination's indexes and
foreign keys.

Its patients' NHS numbers are from the 999 range, never issued to patients (SPEC §7), which holds about
909,000 valid numbers: 0.9 of national scale is the largest extract it can write, and its default.

    .venv/bin/python -m bench.imports [--scale 0.9] [--seed 1]
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
from pg import fresh_database  # noqa: E402

NATIONAL = {"patients": 1_000_000, "contacts": 10_000_000, "current_views": 500_000}
ODS = "BENCHX"
TEAMS = ("T1", "T2", "T3", "T4", "T5", "T6")
ICB = "QBX"
STAFF_PER_TEAM = 25
PROFESSIONS = ("psychiatrist", "clin_psych", "mh_nurse", "family_therapist", "social_worker", "cwp")
ORDER = ("patients.csv", "staff.csv", "referrals.csv", "contacts.csv", "current_views.csv")


def _nhs_numbers(count: int, rng: np.random.Generator) -> np.ndarray:
    from demo.seed import demo_nhs_numbers

    return np.array(demo_nhs_numbers(count, rng))


CHUNK_ROWS = 500_000


def generate(
    folder: Path, *, patients: int, contacts: int, views: int, rng: np.random.Generator
) -> dict[str, int]:
    """Write a valid extract of one provider (ODS, TEAMS, ICB) to `folder`, a block of rows at a time (a
    national extract is never held whole: the patients' dates and teams, 1,000,000 of each, are); the rows of
    each file."""
    import pandas as pd

    folder.mkdir(parents=True, exist_ok=True)
    born = pd.Timestamp("2008-01-01") + pd.to_timedelta(rng.integers(0, 365 * 12, patients), unit="D")
    referred = born + pd.to_timedelta(rng.integers(365 * 5, 365 * 6, patients), unit="D")
    referred = referred.where(referred < pd.Timestamp("2025-06-01"), pd.Timestamp("2025-06-01"))
    team_of = rng.integers(0, len(TEAMS), patients)
    accepted = referred + pd.to_timedelta(rng.integers(0, 30, patients), unit="D")
    staff = len(TEAMS) * STAFF_PER_TEAM
    _write(
        folder / "staff.csv",
        [
            pd.DataFrame(
                {
                    "CareProfLocalId": [f"S{n}" for n in range(staff)],
                    "GivenName": "Pat",
                    "FamilyName": [f"Clinician{n}" for n in range(staff)],
                    "ProfessionCode": [PROFESSIONS[n % len(PROFESSIONS)] for n in range(staff)],
                    "TeamCode": [TEAMS[n // STAFF_PER_TEAM] for n in range(staff)],
                }
            )
        ],
    )
    _write(folder / "patients.csv", _patients(patients, born, _nhs_numbers(patients, rng), rng))
    _write(folder / "referrals.csv", _referrals(patients, referred, accepted, team_of, rng))
    _write(folder / "contacts.csv", _contacts(contacts, patients, referred, team_of, rng))
    _write(folder / "current_views.csv", _views(views, patients, accepted, team_of, rng))
    return {
        "patients.csv": patients,
        "staff.csv": staff,
        "referrals.csv": patients,
        "contacts.csv": contacts,
        "current_views.csv": views,
    }


def _write(path: Path, frames) -> None:
    with open(path, "w", newline="") as out:
        for n, frame in enumerate(frames):
            frame.to_csv(out, index=False, header=n == 0)


def _blocks(count: int):
    for start in range(0, count, CHUNK_ROWS):
        yield np.arange(start, min(count, start + CHUNK_ROWS))


def _patients(count, born, numbers, rng):
    import pandas as pd

    for ids in _blocks(count):
        size = len(ids)
        yield pd.DataFrame(
            {
                "LocalPatientId": "P" + pd.Series(ids).astype(str),
                "NHSNumber": numbers[ids],
                "PersonBirthDate": born[ids].strftime("%Y-%m-%d"),
                "Gender": rng.choice(["1", "2", "9", "X"], size, p=[0.48, 0.48, 0.02, 0.02]),
                "EthnicCategory": rng.choice(list("ABCDHJMNRSZ"), size),
                "Postcode": "LS1 4AP",
                "GivenName": rng.choice(["Alex", "Sam", "Jo", "Kai", "Ana"], size),
                "FamilyName": rng.choice(["Smith", "Khan", "Jones", "Okafor", "Nowak"], size),
            }
        )


def _referrals(count, referred, accepted, team_of, rng):
    import pandas as pd

    for ids in _blocks(count):
        size = len(ids)
        closed = rng.random(size) < 0.4
        discharge = accepted[ids] + pd.to_timedelta(rng.integers(30, 300, size), unit="D")
        yield pd.DataFrame(
            {
                "ServiceRequestId": "R" + pd.Series(ids).astype(str),
                "LocalPatientId": "P" + pd.Series(ids).astype(str),
                "TeamCode": np.array(TEAMS)[team_of[ids]],
                "OrgIDComm": ICB,
                "ReferralRequestReceivedDate": referred[ids].strftime("%Y-%m-%d"),
                "SourceOfReferral": rng.choice(["gp", "education", "self", "social_care"], size),
                "AcceptedDate": accepted[ids].strftime("%Y-%m-%d"),
                "ServDischDate": np.where(closed, discharge.strftime("%Y-%m-%d"), ""),
                "DischargeReason": np.where(closed, "completed", ""),
            }
        )


def _contacts(count, patients, referred, team_of, rng):
    import pandas as pd

    for ids in _blocks(count):
        size = len(ids)
        of = rng.integers(0, patients, size)
        when = referred[of] + pd.to_timedelta(rng.integers(0, 200, size), unit="D")
        staff_of = team_of[of] * STAFF_PER_TEAM + rng.integers(0, STAFF_PER_TEAM, size)
        yield pd.DataFrame(
            {
                "CareContactId": "C" + pd.Series(ids).astype(str),
                "ServiceRequestId": "R" + pd.Series(of).astype(str),
                "CareContDate": when.strftime("%Y-%m-%d"),
                "CareContTime": rng.choice(["09:00", "10:30", "14:00", "16:15"], size),
                "ClinContDurOfCareCont": rng.choice([30, 45, 60, 90], size),
                "AttendOrDNACode": rng.choice(
                    ["5", "6", "7", "3", "2", "4"], size, p=[0.7, 0.1, 0.02, 0.08, 0.05, 0.05]
                ),
                "ConsMechanismMH": rng.choice(["01", "02", "11"], size, p=[0.7, 0.2, 0.1]),
                "CareProfLocalId": "S" + pd.Series(staff_of).astype(str),
            }
        )


def _views(count, patients, accepted, team_of, rng):
    import pandas as pd

    from assessments.current_view_items import ALL_ITEMS, ITEMS_BY_ID

    chosen = (
        rng.choice(patients, count, replace=False) if count <= patients else rng.integers(0, patients, count)
    )
    for ids in _blocks(count):
        size = len(ids)
        of = chosen[ids]
        items = {
            item: rng.choice(
                ["0", "1", "2", "3", ""]
                if ITEMS_BY_ID[item].response_scale == "severity"
                else ["0", "1", ""],
                size,
            )
            for item in ALL_ITEMS
        }
        yield pd.DataFrame(
            {
                "AssessmentId": "A" + pd.Series(ids).astype(str),
                "ServiceRequestId": "R" + pd.Series(of).astype(str),
                "CompletedDate": accepted[of].strftime("%Y-%m-%d"),
                "CareProfLocalId": "S" + pd.Series(team_of[of] * STAFF_PER_TEAM).astype(str),
                **items,
            }
        )


def _organisations(url: str) -> None:
    import psycopg2

    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_provider (code, name) VALUES (%s, 'Bench trust') RETURNING id", [ODS]
        )
        provider = cursor.fetchone()[0]
        for code in TEAMS:
            cursor.execute(
                "INSERT INTO accounts_team (provider_id, code, name) VALUES (%s, %s, %s)",
                [provider, code, code],
            )
        cursor.execute("INSERT INTO accounts_commissioner (code, name) VALUES (%s, 'Bench ICB')", [ICB])


def _floor(url: str, path: Path) -> float:
    """Seconds to COPY the file into an unindexed table of text columns: the fastest the rows can go in."""
    import psycopg2

    from imports.files import CHUNK

    header = path.open().readline().strip().split(",")
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor")
        cursor.execute(
            f"CREATE UNLOGGED TABLE bench_floor ({', '.join(f'c{n} text' for n in range(len(header)))})"
        )
        started = time.perf_counter()
        with path.open("rb") as source:  # as the import's staging reads it (imports/staging.py)
            cursor.copy_expert(
                "COPY bench_floor FROM STDIN WITH (FORMAT csv, HEADER true)", source, size=CHUNK
            )
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_floor")
    return seconds


# Where each file's rows go, and the column naming the bench's provider there.
DESTINATIONS = {
    "patients.csv": ("assessments_patient", "provider_id"),
    "staff.csv": ("accounts_user", "provider_id"),
    "referrals.csv": ("assessments_case", "source_provider_id"),
    "contacts.csv": ("assessments_contact", "source_provider_id"),
    "current_views.csv": ("assessments_currentview", "source_provider_id"),
}


def _write_floor(url: str, name: str) -> float:
    """Seconds to write the rows the import just wrote, already typed, into an empty twin of their table (its
    indexes, check constraints and foreign keys, deferred as Django makes them) with one INSERT ... SELECT in
    one transaction, the commit (and so the foreign keys' checks) included."""
    import psycopg2

    table, provider_column = DESTINATIONS[name]
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_write_floor, bench_typed")
        cursor.execute(
            "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped AND attname <> 'id'",
            [table],
        )
        columns = cursor.fetchone()[0]
        cursor.execute(
            f"CREATE UNLOGGED TABLE bench_typed AS SELECT {columns} FROM {table} AS t "
            f"WHERE t.{provider_column} = (SELECT id FROM accounts_provider WHERE code = %s) ORDER BY t.id",
            [ODS],
        )
        cursor.execute(f"CREATE TABLE bench_write_floor (LIKE {table} INCLUDING ALL)")
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        for (foreign_key,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE bench_write_floor ADD {foreign_key}")
        cursor.execute("ANALYZE bench_typed")
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(f"INSERT INTO bench_write_floor ({columns}) SELECT {columns} FROM bench_typed")
        connection.commit()
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_write_floor, bench_typed")
    return seconds


def _import(url: str, folder: Path) -> tuple[float, float]:
    """Seconds of `manage.py import_records` of the folder (in a process of its own, from the command's call
    to its end: the process's start-up is not the import's), and that process's peak memory in MB."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "DEBUG": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, str(folder), ODS], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"import_records failed:\n{done.stdout}\n{done.stderr}")
    seconds, peak = (ROOT / "var" / "bench-imports-peak").read_text().split()
    return float(seconds), float(peak)


# The command run in a process of its own, which writes its own peak memory (VmHWM) where the bench reads it.
_MEASURED = """
import os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "camhs_pbr.settings")
django.setup()
import time
from django.core.management import call_command
started = time.perf_counter()
call_command("import_records", sys.argv[1], provider=sys.argv[2])
seconds = time.perf_counter() - started
sys.path.insert(0, "bench")
from memory import peak_rss_mb
os.makedirs("var", exist_ok=True)
open("var/bench-imports-peak", "w").write(f"{seconds} {peak_rss_mb()}")
"""


MAX_SCALE = 0.9  # the demo NHS numbers (demo.seed.demo_nhs_numbers): about 909,000 valid in the 999 range


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=MAX_SCALE, help=f"1.0 is national scale; at most {MAX_SCALE:g}"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default="bench_imports", help="made afresh and dropped afterwards")
    args = parser.parse_args()
    if not 0 < args.scale <= MAX_SCALE:
        parser.error(
            f"--scale must be above 0 and at most {MAX_SCALE:g}: the 999 range of NHS numbers, never issued to "
            "patients, holds about 909,000 valid numbers, fewer than a national extract's 1,000,000 patients"
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "camhs_pbr.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    sizes = {name: max(1, int(count * args.scale)) for name, count in NATIONAL.items()}
    work = Path(tempfile.mkdtemp(prefix="bench-imports-"))
    try:
        started = time.perf_counter()
        rows = generate(
            work / "all",
            patients=sizes["patients"],
            contacts=sizes["contacts"],
            views=sizes["current_views"],
            rng=np.random.default_rng(args.seed),
        )
        print(
            f"Generated an extract at scale {args.scale:g} in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{n} {c:,}" for n, c in rows.items())
        )
        with fresh_database(args.database) as url:
            _organisations(url)
            total, peak_all = 0.0, 0.0
            print(
                f"{'file':<20}{'rows':>12}{'import rows/s':>16}{'COPY floor rows/s':>20}{'share':>8}"
                f"{'write floor rows/s':>20}{'of write':>10}{'peak MB':>10}"
            )
            for name in ORDER:
                one = work / name.removesuffix(".csv")
                one.mkdir()
                shutil.copy(work / "all" / name, one / name)
                seconds, peak = _import(url, one)
                floor = _floor(url, one / name)
                write_floor = _write_floor(url, name)
                total += seconds
                peak_all = max(peak_all, peak)
                rate = rows[name] / seconds
                floor_rate, write_rate = rows[name] / floor, rows[name] / write_floor
                print(
                    f"{name:<20}{rows[name]:>12,}{rate:>16,.0f}{floor_rate:>20,.0f}{rate / floor_rate:>8.1%}"
                    f"{write_rate:>20,.0f}{rate / write_rate:>10.1%}{peak:>10.0f}"
                )
            again, peak = _import(url, work / "all")
            print(
                f"Whole extract loaded in {total:.1f} s (target 900 s at national scale); worker peak {max(peak, peak_all):.0f} MB (target 1,024 MB)"
            )
            print(
                f"Unchanged extract loaded again in {again:.1f} s ({again / total:.0%} of the load; target under 50%)"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
