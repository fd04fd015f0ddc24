"""`make run`'s embedded default (SQLite, Celery in-process) shows every report, the managers' dashboards with
what they link to and the re-grouping page, with the demo data."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_report_page_works_on_sqlite_with_tasks_in_process(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'embedded.sqlite3'}"
    env["IMPORT_UPLOAD_DIR"] = str(tmp_path / "uploads")
    completed = subprocess.run(
        [sys.executable, "-m", "tests.support.embedded_pages", "300"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "opened 10 report pages" in completed.stdout  # the managers open the case-mix by team too
    assert "managers' pages" in completed.stdout
    assert "loaded the demo extract" in completed.stdout
    assert "payment pages" in completed.stdout
    assert "downloaded 2 demo packs" in completed.stdout  # make run seeds with --packs
