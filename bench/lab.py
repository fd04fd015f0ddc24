"""Time and peak memory of each algorithm lab method on synthetic episodes (issue 19 point 8).

Run from the project root: `python -m bench.lab [--episodes 100000] [--seed 0]`. No database: the rules come
straight from V1_DEFINITION and the episodes from lab/synthetic.py. Each method runs in a freshly spawned
interpreter, so its peak RSS is its own (it includes building the episodes and the interpreter itself).
"""

import argparse
import resource
import time

from bench.grouping import in_fresh_process, v1_rules
from lab.methods import METHODS, fit
from lab.synthetic import planted_episodes


def bench_method(method: str, episodes: int, seed: int) -> list[str]:
    """One method fitted (5-fold comparison and final fit) on `episodes` synthetic episodes."""
    data = planted_episodes(episodes, v1_rules(), seed=seed)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    result = fit(method, data, seed=seed)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    scores = ", ".join(f"{name} {value:.3f}" for name, value in result.scores.items() if value is not None)
    return [
        f"{method}: {episodes:,} episodes in {seconds:.1f} s, peak RSS {peak:,.0f} MB "
        f"({before:,.0f} MB before the fit)",
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
