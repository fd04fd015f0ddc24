"""Streaming batch scorer: rows per second and peak memory on a generated SDQ file.

.venv/bin/python -m bench.scoring --rows 1000000
"""

import argparse
import csv
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from assessments.batch_scoring import score_csv
from assessments.measures import SDQ_RESPONSES
from assessments.scoring import SPEC_MISSING_DATA_RULES


def write_sdq(path: Path, rows: int, seed: int = 3) -> None:
    rng = np.random.default_rng(seed)
    words = np.array([*SDQ_RESPONSES, ""])  # a blank now and then: missing items exercise pro-rating
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", *[f"i{n:02d}" for n in range(1, 26)]])
        for start in range(0, rows, 50_000):
            size = min(50_000, rows - start)
            cells = words[rng.choice(4, size=(size, 25), p=[0.45, 0.33, 0.2, 0.02])]
            writer.writerows([f"r{start + i}", *row] for i, row in enumerate(cells.tolist()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scoring-") as workdir:
        in_path, out_path = Path(workdir) / "sdq.csv", Path(workdir) / "scored.csv"
        write_sdq(in_path, args.rows)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        with open(in_path, newline="", encoding="utf-8") as source, open(out_path, "w", newline="") as target:
            summary = score_csv("sdq", source, target, SPEC_MISSING_DATA_RULES)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"score_csv sdq: {summary.rows:,} rows ({summary.errors} error rows) in {seconds:.1f} s = "
        f"{summary.rows / seconds:,.0f} rows/s; peak RSS {peak:,.0f} MB ({before:,.0f} MB before scoring)"
    )


if __name__ == "__main__":
    sys.exit(main())
