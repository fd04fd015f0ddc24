"""Streaming batch scorer: rows per second and peak memory on a generated SDQ file, scored in a fresh process.

.venv/bin/python -m bench.scoring --rows 1000000
"""

import argparse
import csv
import resource
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import TypeVar

import numpy as np

from assessments.batch_scoring import score_csv
from assessments.instruments import SDQ_RESPONSES
from assessments.scoring import SPEC_MISSING_DATA_RULES

T = TypeVar("T")


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


def score_file(in_path: Path, out_path: Path) -> str:
    """score_csv timed in this (fresh) process, with its peak RSS before and after the run."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    with open(in_path, newline="", encoding="utf-8") as source, open(out_path, "w", newline="") as target:
        summary = score_csv("sdq", source, target, SPEC_MISSING_DATA_RULES)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (
        f"score_csv sdq: {summary.rows:,} rows ({summary.errors} error rows) in {seconds:.1f} s = "
        f"{summary.rows / seconds:,.0f} rows/s; peak RSS {peak:,.0f} MB ({before:,.0f} MB before scoring)"
    )


def in_fresh_process(function: Callable[..., T], *args: object) -> T:
    """Run one step in a newly spawned interpreter, so its memory figures are its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scoring-") as workdir:
        in_path, out_path = Path(workdir) / "sdq.csv", Path(workdir) / "scored.csv"
        in_fresh_process(write_sdq, in_path, args.rows)
        print(in_fresh_process(score_file, in_path, out_path))


if __name__ == "__main__":
    main()
