"""The benchmark scripts still run (tiny sizes); their figures are read from the scripts, not asserted here.

Marked `bench` (under 10 s each on the 2-core machine: `make test` runs them after the rest of the suite) or
`bench_long` (a real server, worker or load generator to start, or a fresh database to migrate and fill, over 10 s
each: `make bench` runs them and prints their output)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def bench(*args: str, timeout: int = 300, env: dict | None = None) -> str:
    """Run a benchmark script (`-m bench.x ...` or `bench/x.py ...`) from the project root; its output."""
    completed = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    print(completed.stdout)  # the figures, shown by `make bench` (pytest -s) and beside a failure
    return completed.stdout


@pytest.mark.bench_long
@pytest.mark.celery
def test_the_grouping_benchmark_runs_every_section_end_to_end():
    env = {**os.environ, "BENCH_BROKER": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")}
    out = bench(
        "-m", "bench.grouping", "--engine-rows", "20000", "--rows", "2000", "--celery-cases", "3000", env=env
    )
    assert "(a) vectorised engine" in out and "(b) streaming batch grouper" in out
    assert "first run: done, 3,000 Current Views" in out
    assert (
        "second run (changes nothing): done, 3,000 Current Views" in out and "3,000 suggestions stored" in out
    )


@pytest.mark.bench
def test_the_scoring_benchmark_runs():
    out = bench("-m", "bench.scoring", "--rows", "2000", timeout=120)
    assert "score_csv sdq: 2,000 rows" in out


@pytest.mark.bench
def test_the_charts_benchmark_times_specs_svg_png_and_the_cache():
    out = bench("-m", "bench.charts", "--charts", "2", timeout=120)
    assert "first SVG in the process" in out and "PNG, twice the pixels" in out and "from the cache" in out


@pytest.mark.bench_long
def test_the_pack_benchmark_times_the_demo_commissioners_and_providers_packs():
    out = bench("-m", "bench.pack", "--cases", "150", timeout=240)
    assert "commissioner " in out and "provider " in out and " s, " in out


@pytest.mark.bench
def test_the_passwords_benchmark_times_a_check_with_each_hasher():
    out = bench("-m", "bench.passwords", "--checks", "1", timeout=120)
    assert "Argon2idPasswordHasher" in out and "PBKDF2PasswordHasher" in out


@pytest.mark.bench_long
def test_the_pages_benchmark_runs():
    out = bench("bench/pages.py", "--cases", "300")
    assert "service.manager" in out and "case page: 200" in out


@pytest.mark.bench_long
def test_the_reports_benchmark_runs_every_report():
    out = bench("-m", "bench.reports", "--cases", "3000", "--contacts", "30000")
    assert "peak MB at start" in out  # the process's start apart from the report's own work
    for report in ("casemix", "cost", "currency", "outcomes"):
        assert f"\n{report} " in out


@pytest.mark.bench_long
def test_the_statements_benchmark_times_every_contract_against_its_bare_count():
    out = bench("-m", "bench.statements", "--cases", "3000", "--contacts", "30000")
    assert "worst statement / target" in out and "B-QB6-BP3" in out


@pytest.mark.bench_long
def test_the_dashboard_load_benchmark_runs_gunicorn_and_locust():
    out = bench("bench/dashboard.py", "--cases", "300", "--duration", "5", "--users", "3")
    assert "logins, 3 at once" in out and "0 refused" in out
    assert "first reads of the dashboard tabs (12:" in out and "0 failed" in out
    assert "all pages" in out and "no connection errors" in out
    # The server's side of the same requests, and how the gunicorn processes shared them (README).
    assert re.search(r"server side \(gunicorn's access log, the same [\d,]+ requests\): p50 \d+ ms", out)
    assert re.search(r"requests per process \d+(/\d+)+", out)
    # Each page's server time beside its client time, so queueing for the cores shows apart from page work.
    assert re.search(r"^  [a-z, -]+ +\d+ +\d+ +\d+ +\d+ +\d+ +\d+/\d+  (met|MISSED)$", out, re.MULTILINE)


@pytest.mark.bench_long
def test_the_lab_benchmark_fits_every_method():
    out = bench("-m", "bench.lab", "--episodes", "2000")
    for method in ("tree", "clusters", "classifier"):
        assert f"{method}: 2,000 episodes in" in out
    # The fit's peak memory apart from building the episodes, which can peak higher and hide it.
    assert out.count("peak RSS of the fit") == 3 and out.count("building the episodes peaked at") == 3


@pytest.mark.bench
def test_the_startup_benchmark_times_manage_py_check():
    out = bench("-m", "bench.startup", "--runs", "1", "--no-bytecode-runs", "1", timeout=120)
    assert "manage.py check in a fresh process, 1 times" in out
    assert "Without cached bytecode (PYTHONDONTWRITEBYTECODE=1), 1 times" in out and out.count("median") == 2


@pytest.mark.bench
def test_the_suite_benchmark_times_a_command_in_a_fresh_clone():
    """The real command is `.ci/run` (minutes); a stand-in prints what pytest would."""
    out = bench(
        "-m", "bench.suite", "--command", "test -f Makefile && echo '== 3 passed, 1 warning in 2.50s =='"
    )
    assert "load average before:" in out and "in a fresh clone: 0 min" in out
    assert "pytest: 3 passed, 1 warning in 2.5 s" in out


@pytest.mark.bench_long
def test_the_api_benchmark_times_one_view_and_a_thousand_per_call():
    out = bench("bench/api.py", "--calls", "20", "--batches", "2")
    assert "one view per call, 20 calls" in out and "1,000 views per call, 2 calls" in out
    assert out.count("views/s") >= 2


@pytest.mark.bench
def test_the_rater_agreement_benchmark_runs():
    out = bench("-m", "bench.rater_agreement", "--pairs", "500", "--resamples", "50")
    assert "500 pairs, 50 resamples" in out and "all:" in out
    assert "an agreement run's figures of an audit page" in out


@pytest.mark.bench_long
def test_the_imports_benchmark_loads_each_file_beside_the_copy_floor():
    out = bench("-m", "bench.imports", "--scale", "0.0005")
    assert "contacts.csv" in out and "Whole extract loaded" in out and "loaded again" in out
