"""Time and peak memory of each algorithm lab method on synthetic episodes (issue 19 point 8).

Run from the project root: `python -m bench.lab [--episodes 100000] [--seed 0]`. No database: the rules come
straight from V1_DEFINITION and the episodes from lab/synthetic.py. Each method runs in a freshly spawned
interpreter, so its peak RSS is its own: the fit's (with the episodes it holds and the interpreter) is measured
apart from building the episodes.
"""

import argparse
import time

from bench.grouping import in_fresh_process, v1_rules
from bench.memory import peak_rss_mb, reset_peak_rss
from lab.methods import METHODS, fit
from lab.synthetic import planted_episodes


def bench_method(method: str, episodes: int, seed: int) -> list[str]:
    """One method fitted (5-fold comparison and final fit) on `episodes` synthetic episodes; the peak memory
    of building the episodes and of the fit apart (the first can be the higher, and would hide the second)."""
    data = planted_episodes(episodes, v1_rules(), seed=seed)
    building = peak_rss_mb()
    reset_peak_rss()
    held = peak_rss_mb()
    started = time.perf_counter()
    result = fit(method, data, seed=seed)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    scores = ", ".join(f"{name} {value:.3f}" for name, value in result.scores.items() if value is not None)
    return [
        f"{method}: {episodes:,} episodes in {seconds:.1f} s, peak RSS of the fit {peak:,.0f} MB "
        f"({held:,.0f} MB held before it); building the episodes peaked at {building:,.0f} MB",
        f"  {scores}",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=100_000, help="synthetic episodes per method")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--methods", nargs="+", choices=METHODS, default=list(METHODS))
    args = parser.parse_args(argv)
    for method in args.methods:
        print(*in_fresh_process(bench_method, method, args.episodes, args.seed), sep="\n", flush=True)


if __name__ == "__main__":
    main()
