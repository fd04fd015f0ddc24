"""Managers' pages under load: 50 logged-in managers (locust) against gunicorn on a seeded PostgreSQL database.

COPY-loads a fresh database with `--cases` open episodes of one provider and ten contacts each on average
(bench/open_episodes.py: seed_demo took over 4 minutes at this size), adds 50 managers (six team managers a team and 14 service
managers, one known password), serves the site with gunicorn under production settings
(DEBUG off, a bench-only key, hashed static files through WhiteNoise, persistent database connections) and
drives it with locust (bench/locustfile.py): every manager logs in once, all at once, opens the dashboard
tabs once (the first reads, reported apart), then, with 1-3 s of think time, opens the dashboard (and its htmx filter), the data-quality tab, a drill-down list and a later page
of one, a CSV, the caseload, a later caseload page, a caseload search, a case in their scope and the
re-grouping page. The processes share the Redis cache of BENCH_CACHE_URL, as in docker-compose.yml. Prints p50/p95/p99 per page (target p95 under 150 ms), the login
times and every connection error.

    .venv/bin/python bench/dashboard.py [--cases 30000] [--duration 60] [--keep | --reuse] [--single]

`--single` measures instead what one request costs the server, one at a time through Django's test client
(production settings, the same Redis cache): each page for the first team manager and the first service
manager, counted (the first read) and then kept (best of 3), with its SQL time and number of queries.
"""

import argparse
import json
import math
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from pg import SERVER, fresh_database  # noqa: E402

DATABASE = "camhs_bench_dash"
CONTACTS_PER_OPEN_EPISODE = 10
PASSWORD = "bench-dashboard-password-2026"
MANAGERS_PER_TEAM = 6
SERVICE_MANAGERS_PER_PROVIDER = 14  # 6 teams x 6 + 14 = 50 managers
CASES_PER_USER = 500
TARGET_MS = 150
# gunicorn.conf.py (the production settings): three sync processes for two cores running gunicorn, PostgreSQL
# and locust; BENCH_GUNICORN adds flags (e.g. "--worker-class gthread --threads 4 --keep-alive 75" to compare).
GUNICORN = os.environ.get("BENCH_GUNICORN", "").split()
# The cache the gunicorn processes share, as docker-compose.yml's CACHE_URL (BENCH_CACHE_URL="" for each
# process's own memory); the run starts with the dashboard's and re-grouping page's figures cleared from it.
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/2")
CACHED_FIGURES = ("*reports.dashboard.*", "*groupings.movement*")


def clear_cached_figures() -> None:
    if not CACHE_URL:
        return
    import redis

    server = redis.Redis.from_url(CACHE_URL)
    for pattern in CACHED_FIGURES:
        for key in server.scan_iter(match=pattern):
            server.delete(key)


def seed(open_cases: int) -> None:
    from open_episodes import load

    started = time.perf_counter()
    loaded = load(open_cases, CONTACTS_PER_OPEN_EPISODE, np.random.default_rng(1))
    print(
        f"COPY-loaded {loaded['open']:,} open and {loaded['closed']:,} closed episodes, "
        f"{loaded['current_views']:,} Current Views with suggestions and allocations, "
        f"{loaded['contacts']:,} contacts: {time.perf_counter() - started:.0f} s"
    )


def managers() -> list[dict]:
    """50 managers with one password; each with a sample of the open cases in their scope."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Provider, Role, Team, User
    from assessments.models import Case

    password = make_password(PASSWORD)
    users = []
    for team in Team.objects.order_by("pk"):
        for n in range(1, MANAGERS_PER_TEAM + 1):
            user, _ = User.objects.get_or_create(
                username=f"bench.tm.{team.code.lower()}.{n}",
                defaults={"role": Role.TEAM_MANAGER, "password": password},
            )
            user.teams.add(team)
            users.append(user)
    for provider in Provider.objects.order_by("pk"):
        for n in range(1, SERVICE_MANAGERS_PER_PROVIDER + 1):
            user, _ = User.objects.get_or_create(
                username=f"bench.sm.{provider.code.lower()}.{n}",
                defaults={"role": Role.SERVICE_MANAGER, "provider": provider, "password": password},
            )
            users.append(user)
    accounts = []
    for user in users:
        scope = Case.objects.visible_to(user).open_referrals()
        count = scope.count()
        accounts.append(
            {
                "username": user.username,
                "password": PASSWORD,
                "open_cases": count,
                "pages": max(1, math.ceil(count / 50)),
                "cases": list(scope.order_by("?").values_list("pk", flat=True)[:CASES_PER_USER]),
            }
        )
    return accounts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str, static_root: str, access_log: str) -> tuple[subprocess.Popen, str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-only-" + os.urandom(16).hex(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_CONN_MAX_AGE": "600",
        "STATIC_MANIFEST": "1",
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "ERROR",  # not a line per 404 of a page another branch has not built
        "CACHE_URL": CACHE_URL,
    }
    env.pop("DEBUG", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "camhs_pbr.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            # The server's side of each request: which process served it, in how many milliseconds, and what
            # it was (method, path, query, htmx header), so that each page's server time sits beside its
            # client time: queueing for the 2 cores shows as the gap between the two.
            "--access-logfile",
            access_log,
            "--access-logformat",
            ACCESS_LOG_FORMAT,
        ]
        + GUNICORN,
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/health/", timeout=2)
            return server, base
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /health/")


def run_locust(base: str, users_file: str, result_file: str, duration: int, users: int) -> dict:
    env = {
        **os.environ,
        "BENCH_USERS": users_file,
        "BENCH_RESULT": result_file,
        "BENCH_SECONDS": str(duration),
        "BENCH_MEASURED_FROM": "?".join(MEASURED_FROM),
    }
    started = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).parent / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--only-summary",
            "--loglevel",
            "ERROR",
            "-u",
            str(users),
            "-r",
            str(users),  # every manager logs in at once
            "-t",
            f"{duration + 300}s",  # a safety stop; the locustfile stops after `duration` of pages
            "--host",
            base,
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    result = json.loads(Path(result_file).read_text())
    result["wall"] = time.perf_counter() - started
    return result


ACCESS_LOG_FORMAT = "%(p)s|%(M)s|%(m)s|%(U)s|%(q)s|%({hx-request}i)s"
# The request the locustfile sends when the measured pages start (after the logins and first reads).
MEASURED_FROM = ("/health/", "measured-from")
CASE_PAGE = re.compile(r"^/cases/\d+/$")


def page_of(method: str, path: str, query: str, htmx: str) -> str | None:
    """The locustfile's name of the page a logged request belongs to (None: the marker or an asset); the search
    is its POST and the redirected GET of its results, each logged apart."""
    if path == "/dashboard/":
        return "dashboard" if htmx in ("", "-") else "dashboard, htmx filter"
    if path == "/dashboard/data-quality/":
        return "data-quality tab"
    if path.startswith("/dashboard/cases/"):
        return "drill-down page 2+" if "page=" in query else "dashboard drill-down"
    if path.startswith("/dashboard/") and path.endswith(".csv"):
        return "dashboard CSV"
    if path == "/cases/":
        if method == "POST" or "search=" in query:
            return "caseload search"
        return "caseload page 2+" if "page=" in query else "caseload"
    if CASE_PAGE.match(path):
        return "case page"
    if path == "/groupings/regrouping/":
        return "re-grouping page"
    return None if path == "/health/" else "other"


def percentile(ordered: list[int], share: float) -> int:
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def server_side(access_log: str, requests: int) -> tuple[str, dict[str, list[int]]]:
    """The server's own time of the measured requests (those after the locustfile's marker request; without
    one, the last `requests` lines), overall and per page, and how many each gunicorn process served."""
    lines = [line.split("|") for line in Path(access_log).read_text().splitlines() if line.count("|") == 5]
    marks = [n for n, line in enumerate(lines) if (line[3], line[4]) == MEASURED_FROM]
    lines = lines[marks[-1] + 1 :] if marks else lines[-requests:]
    if not lines:
        return "server side: no access log", {}
    times = sorted(int(line[1]) for line in lines)
    per_process = sorted(Counter(line[0] for line in lines).values(), reverse=True)
    per_page: dict[str, list[int]] = {}
    for _, ms, method, path, query, htmx in lines:
        if (page := page_of(method, path, query, htmx)) is not None:
            per_page.setdefault(page, []).append(int(ms))
    summary = (
        f"server side (gunicorn's access log, the same {len(lines):,} requests): p50 {percentile(times, 0.5)} ms, "
        f"p95 {percentile(times, 0.95)} ms, max {times[-1]} ms; "
        f"requests per process {'/'.join(str(n) for n in per_process)}"
    )
    return summary, {page: sorted(ms) for page, ms in per_page.items()}


def report(result: dict, accounts: list[dict], served: dict[str, list[int]]) -> None:
    logins = [login["seconds"] for login in result["logins"]]
    refused = sum(not login["ok"] for login in result["logins"])
    scopes = sorted(a["open_cases"] for a in accounts)
    print(f"{len(accounts)} managers, open cases in scope {scopes[0]:,}-{scopes[-1]:,}")
    if logins:
        q = statistics.quantiles(logins, n=100, method="inclusive") if len(logins) > 1 else logins * 99
        print(
            f"logins, {len(logins)} at once (login form + POST): p50 {q[49]:.1f} s, p95 {q[94]:.1f} s, "
            f"max {max(logins):.1f} s, {refused} refused"
        )
    reads = [read["seconds"] for read in result.get("first_reads", [])]
    if reads:
        q = statistics.quantiles(reads, n=100, method="inclusive") if len(reads) > 1 else reads * 99
        print(
            f"first reads of the dashboard tabs ({len(reads)}: each manager's tabs and periods once, counted by "
            f"the first reader of each): p50 {q[49]:.1f} s, p95 {q[94]:.1f} s, max {max(reads):.1f} s, "
            f"{sum(not read['ok'] for read in result['first_reads'])} failed"
        )
    for error in result["login_errors"]:
        print(f"  login-phase error: {error['name']}: {error['error']} x{error['occurrences']}")
    print(f"pages, {result['seconds']:.0f} s after the last login, think time 1-3 s:")
    print(
        f"  {'page':<22} {'requests':>8} {'failures':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
        f"  {'server p50/p95':>14}  target p95"
    )
    for name in (
        "dashboard",
        "dashboard, htmx filter",
        "data-quality tab",
        "dashboard drill-down",
        "drill-down page 2+",
        "dashboard CSV",
        "caseload",
        "caseload page 2+",
        "caseload search",
        "case page",
        "re-grouping page",
    ):
        if name in result["not_built"]:
            print(f"  {name:<22} not built (404)")
            continue
        page = result["pages"].get(name)
        if page is None:
            continue
        verdict = "met" if page["p95"] < TARGET_MS else "MISSED"
        ms = served.get(name)
        server = f"{percentile(ms, 0.5)}/{percentile(ms, 0.95)}" if ms else "-"
        print(
            f"  {name:<22} {page['requests']:>8} {page['failures']:>8} {page['p50']:>7.0f} {page['p95']:>7.0f} "
            f"{page['p99']:>7.0f}  {server:>14}  {verdict}"
        )
    total = result["total"]
    print(
        f"  {'all pages':<22} {total['requests']:>8} {total['failures']:>8} ({total['requests'] / result['seconds']:.1f} requests/s)"
    )
    for error in result["errors"]:
        print(f"  error: {error['name']}: {error['error']} x{error['occurrences']}")
    if not result["errors"] and not result["login_errors"]:
        print("  no connection errors")


SINGLE_PAGES = (
    ("dashboard", "/dashboard/"),
    ("data-quality tab", "/dashboard/data-quality/"),
    ("dashboard drill-down", "/dashboard/cases/review-overdue/"),
    ("drill-down page 2+", "/dashboard/cases/open/?page=3"),
    ("dashboard CSV", "/dashboard/caseload.csv"),
    ("caseload", "/cases/"),
    ("caseload page 2+", "/cases/?page=3"),
    ("case page", "/cases/{case}/"),
    ("re-grouping page", "/groupings/regrouping/"),
)


def single_requests(url: str) -> None:
    """What each page costs one request at a time (module docstring), in production settings."""
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from accounts.models import Role, User
    from assessments.models import Case

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    if CACHE_URL:
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        }
    clear_cached_figures()
    cache.clear() if not CACHE_URL else None
    sql: list[float] = []

    def timed_sql(execute, sql_text, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            sql.append(time.perf_counter() - started)

    print("one request at a time, Django test client, production settings (ms: total / SQL, queries)")
    print(f"  {'user':<16} {'page':<22} {'first read':>20} {'again, best of 3':>22}")
    for role in (Role.TEAM_MANAGER, Role.SERVICE_MANAGER):
        user = User.objects.filter(role=role, username__startswith="bench.").order_by("pk").first()
        assert user is not None, "managers() adds the bench's managers"
        client = Client()
        client.force_login(user)
        case = Case.objects.visible_to(user).open_referrals().order_by("pk").first()
        assert case is not None, "every manager has open cases in scope"
        for name, path in SINGLE_PAGES:
            if role == Role.TEAM_MANAGER and name == "re-grouping page":
                continue
            runs = []
            for _ in range(4):
                sql.clear()
                started = time.perf_counter()
                with connection.execute_wrapper(timed_sql):
                    status = client.get(path.format(case=case.pk)).status_code
                runs.append((time.perf_counter() - started, sum(sql), len(sql), status))
            first, kept = runs[0], min(runs[1:])
            print(
                f"  {role.label:<16} {name:<22} {first[0] * 1000:>8.0f} / {first[1] * 1000:>4.0f}, {first[2]:>2} q"
                f" {kept[0] * 1000:>10.0f} / {kept[1] * 1000:>4.0f}, {kept[2]:>2} q"
                + ("" if {r[3] for r in runs} == {200} else f"  status {sorted({r[3] for r in runs})}")
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=30_000, help="open episodes to seed")
    parser.add_argument("--duration", type=int, default=60, help="seconds of pages after the logins")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the database a --keep run left")
    parser.add_argument("--single", action="store_true", help="one request at a time (module docstring)")
    args = parser.parse_args()
    os.environ["DEBUG"] = "1"  # migrating and loading; gunicorn serves without it
    url = f"{SERVER}/{DATABASE}"
    if args.reuse:
        run(url, args)
        return
    with fresh_database(DATABASE, keep=args.keep) as url:
        run(url, args, fresh=True)


def run(url: str, args: argparse.Namespace, fresh: bool = False) -> None:
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="camhs_pbr.settings", DEBUG="1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connections

    from assessments.models import Case, Contact

    if fresh:
        seed(args.cases)
    accounts = managers()[: args.users]
    if args.single:
        single_requests(url)
        return
    open_cases = Case.objects.open_referrals()
    print(
        f"{open_cases.count():,} open episodes, {Contact.objects.filter(case__in=open_cases).count():,} contacts "
        f"on them ({Contact.objects.count():,} in all)"
    )
    connections.close_all()
    clear_cached_figures()
    with tempfile.TemporaryDirectory() as work:
        users_file, result_file = f"{work}/users.json", f"{work}/result.json"
        Path(users_file).write_text(json.dumps(accounts))
        access_log = f"{work}/access.log"
        server, base = serve(url, f"{work}/static", access_log)
        try:
            result = run_locust(base, users_file, result_file, args.duration, len(accounts))
        finally:
            server.terminate()
            server.wait(timeout=30)
        served, per_page = server_side(access_log, result["total"]["requests"])
    cache = CACHE_URL or "each process's own memory"
    print(
        f"gunicorn.conf.py {' '.join(GUNICORN)}, cache {cache}, locust -u {len(accounts)}, on the same machine"
    )
    report(result, accounts, per_page)
    print(f"  {served}")
    print(
        "  (server p50/p95: gunicorn's own time of each page; the search's POST and redirect are counted apart)"
    )


if __name__ == "__main__":
    main()
