"""Agreement with its bootstrap interval over many pairs: `python -m bench.rater_agreement [--pairs N]`.

Prints the time to count 10,000 pairs of two raters' groupings into a confusion matrix and bootstrap Cohen's
kappa 1,000 times, the Fleiss bootstrap over the same subjects, and the 50 items' weighted kappas; then the
whole of what an agreement run computes and stores for an audit page of 10,000 rated pairs
(`consistency.audit_agreement.audit_agreement`: overall, per team and per clinician, each with its bootstrap,
the items, the confusion matrix and the rules against each rater, made JSON) (the target: under 5 s for the
whole agreement of 10,000 pairs, issue 34)."""

import argparse
import os
import time

import numpy as np

from groupings.agreement import bootstrap_fleiss, bootstrap_kappa, confusion, kappa_of_table, weighted_kappa

TEAMS = 8
CLINICIANS = 40


def rated_pairs(rng: np.random.Generator, codes: np.ndarray, first: np.ndarray, second: np.ndarray) -> list:
    """Synthetic audited pairs: 8 teams, 40 first and 40 second raters, items alike 70% of the time."""
    from assessments.current_view_items import ALL_ITEMS
    from consistency.audit_agreement import RatedPair
    from consistency.rater_agreement import LEVELS

    n = len(first)
    levels = np.array([LEVELS[item] for item in ALL_ITEMS])  # each item its own scale; -1 Not known
    items_first = (rng.random((n, len(ALL_ITEMS))) * (levels + 1)).astype(int) - 1
    again = (rng.random((n, len(ALL_ITEMS))) * (levels + 1)).astype(int) - 1
    items_second = np.where(rng.random((n, len(ALL_ITEMS))) < 0.7, items_first, again)
    teams, a, b = rng.integers(0, TEAMS, n), rng.integers(0, CLINICIANS, n), rng.integers(0, CLINICIANS, n)
    return [
        RatedPair(
            team=f"Team {teams[k]}",
            first_rater=f"First {a[k]}",
            second_rater=f"Second {b[k]}",
            first=str(codes[first[k]]),
            second=str(codes[second[k]]),
            rules_first=str(codes[first[k]]),
            rules_second=str(codes[second[(k + 1) % n]]),
            first_items=tuple(int(v) for v in items_first[k]),
            second_items=tuple(int(v) for v in items_second[k]),
        )
        for k in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--resamples", type=int, default=1000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    codes = np.array([f"G{n:02d}" for n in range(20)])
    first = rng.integers(0, 20, args.pairs)
    second = np.where(rng.random(args.pairs) < 0.6, first, rng.integers(0, 20, args.pairs))
    items_first = rng.integers(-1, 4, (50, args.pairs))
    items_second = np.where(
        rng.random((50, args.pairs)) < 0.7, items_first, rng.integers(-1, 4, (50, args.pairs))
    )

    began = time.perf_counter()
    matrix = confusion(codes[first].tolist(), codes[second].tolist())
    kappa = kappa_of_table(matrix.table)
    interval = bootstrap_kappa(matrix.table, resamples=args.resamples, seed=1)
    cohen_seconds = time.perf_counter() - began

    began = time.perf_counter()
    counts = np.zeros((args.pairs, 20))
    np.add.at(counts, (np.arange(args.pairs), first), 1)
    np.add.at(counts, (np.arange(args.pairs), second), 1)
    fleiss_interval = bootstrap_fleiss(counts, resamples=args.resamples, seed=1)
    fleiss_seconds = time.perf_counter() - began

    began = time.perf_counter()
    for item in range(50):
        weighted_kappa(items_first[item], items_second[item], 4)
    items_seconds = time.perf_counter() - began

    total = cohen_seconds + fleiss_seconds + items_seconds

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "camhs_pbr.settings")
    os.environ.setdefault("DEBUG", "1")
    django.setup()
    from consistency.audit_agreement import as_json, audit_agreement

    pairs = rated_pairs(rng, codes, first, second)
    began = time.perf_counter()
    stored = as_json(audit_agreement(pairs, seed=1, resamples=args.resamples))
    run_seconds = time.perf_counter() - began

    print(f"{args.pairs:,} pairs, {args.resamples:,} resamples")
    low, high = interval or (float("nan"), float("nan"))
    print(f"Cohen's kappa {kappa:.3f}, 95% interval {low:.3f} to {high:.3f}: {cohen_seconds:.3f} s")
    print(f"Fleiss' kappa bootstrap over subjects {fleiss_interval}: {fleiss_seconds:.3f} s")
    print(f"50 items' weighted kappa: {items_seconds:.3f} s")
    print(f"all: {total:.3f} s (target: under 5 s)")
    print(
        f"an agreement run's figures of an audit page (overall, {len(stored['by_team'])} teams and "
        f"{2 * CLINICIANS} clinicians each bootstrapped, 50 items, the rules, as JSON): {run_seconds:.3f} s "
        "(target: under 5 s)"
    )


if __name__ == "__main__":
    main()
