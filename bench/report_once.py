"""Run one report for one scope and month in this process and print its time and peak memory as JSON.

DATABASE_URL=... python -m bench.report_once casemix commissioner QB1 2026-10
"""

import json
import os
import resource
import sys
import time


def _peak_rss_kb() -> int:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from a forking parent)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    report, scope_kind, scope_code, period = sys.argv[1:5]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "camhs_pbr.settings")
    import django

    django.setup()
    from reports import runs
    from reports.periods import Month

    run = runs.prepare_run(
        report=report, month=Month.of(period), scope_kind=scope_kind, scope_code=scope_code, by=None
    )
    started = time.perf_counter()
    run = runs.execute_run(run.pk)
    seconds = time.perf_counter() - started
    if run.status != "done":
        raise SystemExit(f"{report} failed: {run.error}")
    peak_mb = _peak_rss_kb() / 1024
    print(json.dumps({"seconds": seconds, "rows": run.rows, "peak_mb": peak_mb}))


if __name__ == "__main__":
    main()
