"""Logged-in managers over the dashboard (both tabs, a filter change, drill-down lists, CSV), the caseload, the
case page and the re-grouping page.

After logging in, each manager opens the dashboard tabs once with the filters the run uses (the first reads):
the first reader of a question counts it in the request and the others asking it meanwhile wait for that count
(camhs_pbr.figures_cache.latest); they are timed and reported apart, like the logins, because a running service
has read them before (a change since is counted again on a worker while the kept figures show).

Driven by bench/dashboard.py (headless, as a subprocess); it reads the users it may log in as from the JSON
file named by BENCH_USERS and writes its figures to the JSON file named by BENCH_RESULT. Every user logs in
once as it starts; the pages are measured from the moment the last login has finished, for BENCH_SECONDS,
so the login burst and the page figures are reported apart; each user waits a think time before its first page
as before every other.
"""

import itertools
import json
import os
import random
import re
import time
import urllib.request

import gevent
import gevent.event
from locust import FastHttpUser, between, events, task
from locust.env import Environment

USERS = json.loads(open(os.environ["BENCH_USERS"]).read())
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
SEARCH_TERMS = ("smith", "patel", "oli", "khan", "ja")
# Lists behind the dashboards' counts (dashboards.case_sets.all_sets()) and its CSV tables (dashboards.panels.PANELS).
DRILL_DOWNS = (
    "review-overdue",
    "review-due-soon",
    "not-yet-seen",
    "seen-12-weeks-or-more",
    "current-view-not-allocated",
    "quality-allocation",
    "quality-current-view-by-second-contact",
    "quality-nhs-number",
)
CSV_TABLES = ("open-by-grouping", "caseload", "waiting", "last-seen")
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')

_next_user = itertools.count()
_logged_in = gevent.event.Event()
_logins: list[dict] = []
_first_reads: list[dict] = []
# What the first reads open: every question of the dashboard tabs the run asks.
FIRST_READS = ("/dashboard/", "/dashboard/?period=3m", "/dashboard/?period=6m", "/dashboard/data-quality/")
_not_built: set[str] = set()
_started: dict[str, float] = {}
_login_errors: list[dict] = []


class Manager(FastHttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.account = USERS[next(_next_user) % len(USERS)]
        started = time.perf_counter()
        page = self.client.get("/accounts/login/", name="login form")
        token = CSRF_FIELD.search(page.content or b"")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.account["username"],
                "password": self.account["password"],
                "csrfmiddlewaretoken": token.group(1).decode() if token else "",
            },
            name="login",
            catch_response=True,
        ) as response:
            # A successful login redirects (followed here) away from the login page.
            ok = response.status_code == 200 and "/accounts/login/" not in (response.url or "")
            if not ok:
                response.failure(f"login refused: {response.status_code} {response.url}")
        _logins.append({"seconds": time.perf_counter() - started, "ok": ok})
        for url in FIRST_READS:
            started = time.perf_counter()
            with self.client.get(url, name="first read", catch_response=True) as response:
                _first_reads.append(
                    {"seconds": time.perf_counter() - started, "ok": response.status_code == 200}
                )
        if len(_first_reads) >= len(USERS) * len(FIRST_READS):
            _logged_in.set()
        _logged_in.wait()
        # A think time before the first page too: released together, the 50 would all ask at the same instant
        # (a burst no service sees), and that one burst made the slowest 3% of the measured requests.
        gevent.sleep(self.wait_time())

    def _csrf(self) -> str:
        return next((c.value or "" for c in self.client.cookiejar if c.name == "csrftoken"), "")

    def _optional(self, url: str, name: str) -> None:
        """A page another branch may not have built yet: a 404 is reported as 'not built', not a failure."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code == 404:
                _not_built.add(name)
                response.success()

    @task(2)
    def dashboard(self) -> None:
        self._optional("/dashboard/", "dashboard")

    @task(1)
    def dashboard_filtered(self) -> None:
        # What the filter form asks (htmx: the panels alone), for a period other than the default.
        period = random.choice(("3m", "6m"))
        self.client.get(
            f"/dashboard/?period={period}", headers={"HX-Request": "true"}, name="dashboard, htmx filter"
        )

    @task(1)
    def data_quality(self) -> None:
        self._optional("/dashboard/data-quality/", "data-quality tab")

    @task(2)
    def drill_down(self) -> None:
        self._optional(f"/dashboard/cases/{random.choice(DRILL_DOWNS)}/", "dashboard drill-down")

    @task(1)
    def drill_down_later_page(self) -> None:
        page = random.randint(2, max(2, self.account["pages"]))
        self._optional(f"/dashboard/cases/open/?page={page}", "drill-down page 2+")

    @task(1)
    def dashboard_csv(self) -> None:
        self._optional(f"/dashboard/{random.choice(CSV_TABLES)}.csv", "dashboard CSV")

    @task(3)
    def caseload(self) -> None:
        self.client.get("/cases/", name="caseload")

    @task(1)
    def caseload_later_page(self) -> None:
        page = random.randint(2, max(2, self.account["pages"]))
        self.client.get(f"/cases/?page={page}", name="caseload page 2+")

    @task(1)
    def caseload_search(self) -> None:
        self.client.post(
            "/cases/",
            data={"q": random.choice(SEARCH_TERMS), "csrfmiddlewaretoken": self._csrf()},
            name="caseload search",
        )

    @task(3)
    def case_page(self) -> None:
        self.client.get(f"/cases/{random.choice(self.account['cases'])}/", name="case page")

    @task(1)
    def regrouping(self) -> None:
        self.client.get("/groupings/regrouping/", name="re-grouping page")


def _measure_then_stop(environment: Environment) -> None:
    _logged_in.wait()
    _login_errors.extend(_errors(environment))
    environment.stats.reset_all()  # the pages are measured after the login burst
    _started["at"] = time.time()
    if marker := os.environ.get("BENCH_MEASURED_FROM"):
        # Marks in the server's access log where the measured pages start (bench/dashboard.py reads it).
        urllib.request.urlopen(f"{environment.host}{marker}", timeout=10).close()
    gevent.sleep(SECONDS)
    if environment.runner is not None:
        environment.runner.quit()


def _errors(environment: Environment) -> list[dict]:
    return [
        {"name": error.name, "error": str(error.error), "occurrences": error.occurrences}
        for error in environment.stats.errors.values()
    ]


@events.test_start.add_listener
def _start(environment: Environment, **kwargs) -> None:
    gevent.spawn(_measure_then_stop, environment)


@events.quitting.add_listener
def _write_result(environment: Environment, **kwargs) -> None:
    pages = {entry.name: _figures(entry) for entry in environment.stats.entries.values()}
    seconds = time.time() - _started["at"] if _started else 0.0
    with open(os.environ["BENCH_RESULT"], "w") as out:
        json.dump(
            {
                "pages": pages,
                "total": _figures(environment.stats.total),
                "errors": _errors(environment),
                "login_errors": _login_errors,
                "logins": _logins,
                "first_reads": _first_reads,
                "not_built": sorted(_not_built),
                "seconds": seconds,
            },
            out,
        )


def _figures(entry) -> dict:
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "p50": entry.get_response_time_percentile(0.5),
        "p95": entry.get_response_time_percentile(0.95),
        "p99": entry.get_response_time_percentile(0.99),
        "max": entry.max_response_time,
    }
