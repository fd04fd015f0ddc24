"""How long `make test` takes from a fresh clone, as CI runs it: `CI=true bash .ci/run` in a new clone.

.venv/bin/python -m bench.suite [--keep-mypy-cache] [--command "..."]

Clones this checkout's HEAD into a temporary folder and runs `.ci/run` there, with mypy's cache in an empty
folder (as on a new machine; --keep-mypy-cache uses the machine's shared one). Prints the load average before
it starts (the figure means something only on a machine doing nothing else), the whole run's wall clock and the
CPU of its own processes (PostgreSQL's is not counted, nor most of chromium's: its renderers are not waited for
by the process that started them), and pytest's summary lines. `--command` runs something else in the clone
in place of `.ci/run` (the smoke test's use).
"""

import argparse
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"^[=\s]*(\d[\d,]* passed.*) in ([\d.]+)s", re.MULTILINE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep-mypy-cache", action="store_true")
    parser.add_argument("--command", default="bash .ci/run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        clone = Path(folder) / "repo"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        env = {**os.environ, "CI": "true"}
        if not args.keep_mypy_cache:
            env["MYPY_CACHE_DIR"] = str(Path(folder) / "mypy-cache")
        print(f"load average before: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
        log = Path(folder) / "run.log"
        with open(log, "w") as out:
            started = time.perf_counter()
            process = subprocess.Popen(args.command, shell=True, cwd=clone, env=env, stdout=out, stderr=out)
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - started
        text = log.read_text(errors="replace")
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{args.command} failed:\n{text[-3000:]}")
    minutes, seconds = divmod(round(wall), 60)
    print(f"{args.command} in a fresh clone: {minutes} min {seconds} s of wall clock")
    print(f"  CPU of its processes: {usage.ru_utime:.0f} s user, {usage.ru_stime:.0f} s system")
    for found, took in SUMMARY.findall(text):
        print(f"  pytest: {found} in {float(took):.1f} s")


if __name__ == "__main__":
    main()
