"""How long `seed_demo` takes on PostgreSQL.

.venv/bin/python bench/seed.py --cases 100000
"""

import argparse
import os
import subprocess
import sys
import time

from pg import ROOT, fresh_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with fresh_database("camhs_bench_seed") as url:
        started = time.perf_counter()
        out = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "seed_demo",
                "--cases",
                str(args.cases),
                "--seed",
                str(args.seed),
                "--as-of",
                "2026-10-31",
            ],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        seconds = time.perf_counter() - started
    print(out.splitlines()[0])
    print(
        f"seed_demo --cases {args.cases}: {seconds:.1f} s wall clock on PostgreSQL, command start to finish"
    )


if __name__ == "__main__":
    main()
