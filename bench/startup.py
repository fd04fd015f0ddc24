"""What every process pays before it does anything: `manage.py check` (Django's setup, the apps' models,
admin and checks, the URLconf with every view), timed over fresh processes.

.venv/bin/python -m bench.startup [--runs 5]

Each gunicorn worker, Celery worker and command starts the same way, so its start-up time and the memory
it holds before its first request are these. After one untimed run that caches the bytecode, prints each
run's wall-clock and CPU seconds and peak resident memory, then the median; tests/test_startup_imports.py
keeps the heavy libraries out of it. Then the same without cached bytecode (`--no-bytecode-runs`, default 2),
as every process had it when PYTHONDONTWRITEBYTECODE=1 was left set (why the Makefile unexports it): each
such run compiles every module it imports from source.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one_run(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall-clock seconds, CPU seconds (user + system) and peak resident MB of one run of `command`."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)  # the child's own CPU time and peak memory
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{errors.read().decode()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-bytecode-runs", type=int, default=2)
    args = parser.parse_args()
    # Bytecode cached, as a deployment has it (the Dockerfile compiles the app): one untimed run writes it.
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "manage.py", "check"]
    one_run(command, env)
    print(
        f"manage.py check in a fresh process, {args.runs} times (s of wall clock / s of CPU / MB peak RSS):"
    )
    runs = [one_run(command, env) for _ in range(args.runs)]
    for n, (wall, cpu, rss) in enumerate(runs, 1):
        print(f"  run {n:<3} {wall:6.2f} / {cpu:6.2f} / {rss:6.0f}")
    print_median(runs)
    if args.no_bytecode_runs:
        print(f"Without cached bytecode (PYTHONDONTWRITEBYTECODE=1), {args.no_bytecode_runs} times:")
        with tempfile.TemporaryDirectory() as empty:
            # An empty cache directory that is never written: every module compiled from source.
            uncached = [sys.executable, "-X", f"pycache_prefix={empty}", *command[1:]]
            slow = [
                one_run(uncached, {**env, "PYTHONDONTWRITEBYTECODE": "1"})
                for _ in range(args.no_bytecode_runs)
            ]
        print_median(slow)


def print_median(runs: list[tuple[float, float, float]]) -> None:
    wall, cpu, rss = (statistics.median(column) for column in zip(*runs, strict=True))
    print(f"  median  {wall:6.2f} / {cpu:6.2f} / {rss:6.0f}")


if __name__ == "__main__":
    main()
