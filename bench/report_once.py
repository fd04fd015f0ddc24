"""Run one report for one scope and month in this process and print its time and peak memory as JSON.

DATABASE_URL=... python -m bench.report_once casemix commissioner QB1 2026-10
"""

import json
import os
import sys
import time

from bench.memory import peak_rss_mb


def main() -> None:
    report, scope_kind, scope_code, period = sys.argv[1:5]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "camhs_pbr.settings")
    import django

    django.setup()
    from reports import runs
    from reports.periods import Month

    start_mb = peak_rss_mb()  # the process's start (Django, pandas), apart from the report's own work
    run = runs.prepare_run(
        report=report, month=Month.of(period), scope_kind=scope_kind, scope_code=scope_code, by=None
    )
    started = time.perf_counter()
    run = runs.execute_run(run.pk)
    seconds = time.perf_counter() - started
    if run.status != "done":
        raise SystemExit(f"{report} failed: {run.error}")
    print(json.dumps({"seconds": seconds, "rows": run.rows, "peak_mb": peak_rss_mb(), "start_mb": start_mb}))


if __name__ == "__main__":
    main()
