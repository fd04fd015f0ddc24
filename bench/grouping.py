"""Throughput of the grouping engine and the streaming batch grouper.

Run from the project root: `python -m bench.grouping [--rows 1000000] [--engine-rows 1000000]`.
No database: the rules come straight from V1_DEFINITION.
"""

import argparse
import csv
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd

from assessments.current_view_items import ALL_ITEMS, ITEMS_BY_ID, PROBLEM_ITEMS
from groupings.batch import DEFAULT_CHUNK_ROWS, group_csv_file
from groupings.rules import V1_DEFINITION, RuleSet, ruleset_from_definition, suggest_arrays, suggest_frame

SEVERITY_CODES = np.array([-1, 0, 1, 2, 3], dtype=np.int8)
SEVERITY_ODDS = [0.05, 0.60, 0.20, 0.10, 0.05]
PRESENCE_CODES = np.array([-1, 0, 1], dtype=np.int8)
PRESENCE_ODDS = [0.10, 0.80, 0.10]
WORDS = {
    "severity": np.array(["None", "Mild", "Moderate", "Severe", ""], dtype=object),
    "presence": np.array(["No", "Yes", "", "", "Not known"], dtype=object),
}


def v1_rules() -> RuleSet:
    return ruleset_from_definition("CAMHS-NBG v1", V1_DEFINITION)


def synthetic_codes(rows: int, seed: int = 1) -> np.ndarray:
    """Random Current Views, rows x 50 int8 in ALL_ITEMS order (-1 = Not known), mostly low ratings;
    2% have every problem Not known so the insufficient-information guard fires too."""
    rng = np.random.default_rng(seed)
    codes = rng.choice(SEVERITY_CODES, size=(rows, len(ALL_ITEMS)), p=SEVERITY_ODDS)
    presence = [n for n, item in enumerate(ALL_ITEMS) if ITEMS_BY_ID[item].response_scale == "presence"]
    codes[:, presence] = rng.choice(PRESENCE_CODES, size=(rows, len(presence)), p=PRESENCE_ODDS)
    sparse = rng.random(rows) < 0.02
    codes[np.ix_(sparse, np.arange(len(PROBLEM_ITEMS)))] = -1
    return codes


def rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f} rows/s"


def in_fresh_process(function: Callable[..., list[str]], *args: object) -> list[str]:
    """Run one section in a newly spawned interpreter, so its memory figures are its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def bench_engine(rows: int) -> list[str]:
    """(a) Vectorised engine on `rows` synthetic Current Views, array path and DataFrame path."""
    rules = v1_rules()
    codes = synthetic_codes(rows)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        result = suggest_arrays(codes, rules)
        timings.append(time.perf_counter() - started)
    best = min(timings)
    frame = pd.DataFrame(np.where(codes < 0, np.nan, codes), columns=list(ALL_ITEMS))
    started = time.perf_counter()
    suggest_frame(frame, rules)
    seconds = time.perf_counter() - started
    shares = Counter(result.rule.tolist())
    return [
        f"suggest_arrays, {rows:,} rows x 50 int8: best of 3 {best:.3f} s = {rate(rows, best)}",
        f"suggest_frame, float columns with NaN: {seconds:.3f} s = {rate(rows, seconds)}",
        "rules fired: " + ", ".join(f"{rule} {n / rows:.1%}" for rule, n in sorted(shares.items())),
    ]


def write_csv(path: Path, rows: int, chunk_rows: int = 50_000, seed: int = 2) -> None:
    """A Current View CSV of `rows` rows in words (blank = Not known), with pass-through columns."""
    rng = np.random.default_rng(seed)
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["case_id", "completed_on", *ALL_ITEMS])
        for start in range(0, rows, chunk_rows):
            size = min(chunk_rows, rows - start)
            codes = synthetic_codes(size, seed=int(rng.integers(1 << 31)))
            columns = [[f"999{start + n:07d}" for n in range(size)], ["2024-06-01"] * size]
            for n, item in enumerate(ALL_ITEMS):
                columns.append(WORDS[ITEMS_BY_ID[item].response_scale][codes[:, n]].tolist())
            for n in range(0, size, 10_000):
                columns[2][n] = "Moderat"
            writer.writerows(zip(*columns, strict=True))


def group_file(in_path: Path, out_path: Path, chunk_rows: int) -> list[str]:
    """(b) group_csv_file timed, with the peak RSS (getrusage) before and after the run."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    summary = group_csv_file(in_path, out_path, v1_rules(), chunk_rows=chunk_rows)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [
        f"group_csv_file, chunk_rows={chunk_rows:,}: {summary.rows:,} rows ({summary.errors:,} error rows) "
        f"in {seconds:.2f} s = {rate(summary.rows, seconds)}",
        f"peak RSS {peak:,.0f} MB; {before:,.0f} MB before reading the file (imports, and on Linux the "
        "spawning parent's peak)",
    ]


def generate_csv(path: Path, rows: int) -> list[str]:
    started = time.perf_counter()
    write_csv(path, rows)
    seconds = time.perf_counter() - started
    return [f"generated {rows:,} rows in {seconds:.1f} s ({path.stat().st_size / 1e6:,.0f} MB)"]


def bench_batch(rows: int, chunk_rows: int, workdir: Path) -> list[str]:
    """(b) Streaming batch grouper on a generated CSV of `rows` rows, each step in its own process."""
    in_path, out_path = workdir / "current_views.csv", workdir / "grouped.csv"
    generated = in_fresh_process(generate_csv, in_path, rows)
    return generated + in_fresh_process(group_file, in_path, out_path, chunk_rows)


def bench_celery(cases: int) -> list[str]:
    """(c) End-to-end re-grouping of `cases` stored Current Views in PostgreSQL by 2 real Celery workers."""
    script = Path(__file__).resolve().parent / "regrouping.py"
    completed = subprocess.run(
        [sys.executable, str(script), "--cases", str(cases), "--workers", "2"],
        check=True,
        capture_output=True,
        text=True,
    )
    return completed.stdout.splitlines()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine-rows", type=int, default=1_000_000, help="Current Views for the engine")
    parser.add_argument("--rows", type=int, default=1_000_000, help="CSV rows for the batch grouper")
    parser.add_argument("--chunk-rows", type=int, default=DEFAULT_CHUNK_ROWS, help="batch grouper chunk size")
    parser.add_argument("--celery-cases", type=int, default=1_000_000, help="stored Current Views; 0 skips")
    args = parser.parse_args(argv)
    print("(a) vectorised engine", *in_fresh_process(bench_engine, args.engine_rows), sep="\n  ", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-grouping-") as workdir:
        lines = bench_batch(args.rows, args.chunk_rows, Path(workdir))
        print("(b) streaming batch grouper", *lines, sep="\n  ", flush=True)
    if args.celery_cases:
        print(
            "(c) Celery re-grouping in PostgreSQL", *bench_celery(args.celery_cases), sep="\n  ", flush=True
        )


if __name__ == "__main__":
    main()
