"""The benchmark scripts still run (tiny sizes); their figures are read from the scripts, not asserted here."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.celery
def test_the_grouping_benchmark_runs_every_section_end_to_end():
    env = {**os.environ, "BENCH_BROKER": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.grouping",
            "--engine-rows",
            "20000",
            "--rows",
            "2000",
            "--celery-cases",
            "3000",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    out = completed.stdout
    assert "(a) vectorised engine" in out and "(b) streaming batch grouper" in out
    assert "first run: done, 3,000 Current Views" in out
    assert (
        "second run (changes nothing): done, 3,000 Current Views" in out and "3,000 suggestions stored" in out
    )


def test_the_scoring_benchmark_runs():
    completed = subprocess.run(
        [sys.executable, "-m", "bench.scoring", "--rows", "2000"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "score_csv sdq: 2,000 rows" in completed.stdout


def test_the_passwords_benchmark_times_a_check_with_each_hasher():
    completed = subprocess.run(
        [sys.executable, "-m", "bench.passwords", "--checks", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "Argon2idPasswordHasher" in completed.stdout and "PBKDF2PasswordHasher" in completed.stdout


def test_the_pages_benchmark_runs():
    completed = subprocess.run(
        [sys.executable, "bench/pages.py", "--cases", "300"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "service.manager" in completed.stdout and "case page: 200" in completed.stdout


def test_the_reports_benchmark_runs_every_report():
    completed = subprocess.run(
        [sys.executable, "-m", "bench.reports", "--cases", "3000", "--contacts", "30000"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    for report in ("casemix", "cost", "currency", "outcomes"):
        assert f"\n{report} " in completed.stdout


def test_the_dashboard_load_benchmark_runs_gunicorn_and_locust():
    completed = subprocess.run(
        [sys.executable, "bench/dashboard.py", "--cases", "300", "--duration", "5", "--users", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    out = completed.stdout
    assert "logins, 3 at once" in out and "0 refused" in out
    assert "first reads of the dashboard tabs (12:" in out and "0 failed" in out
    assert "all pages" in out and "no connection errors" in out
    # The server's side of the same requests, and how the gunicorn processes shared them (README).
    assert re.search(r"server side \(gunicorn's access log, the same [\d,]+ requests\): p50 \d+ ms", out)
    assert re.search(r"requests per process \d+(/\d+)+", out)


def test_the_lab_benchmark_fits_every_method():
    completed = subprocess.run(
        [sys.executable, "-m", "bench.lab", "--episodes", "2000"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    for method in ("tree", "clusters", "classifier"):
        assert f"{method}: 2,000 episodes in" in completed.stdout
