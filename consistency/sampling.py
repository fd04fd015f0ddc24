"""Which allocations an audit samples: at random, or stratified by team and grouping, seeded so that the same
candidates, size and seed always give the same sample. Pure: ids and strata in, ids out."""

from collections.abc import Hashable, Sequence

import numpy as np


def quotas(sizes: dict[Hashable, int], size: int) -> dict[Hashable, int]:
    """Each stratum's share of `size`, in proportion to its number of candidates (largest remainders get the
    rounding; ties go to the larger stratum, then to the stratum first in sorted order); at most its size."""
    total = sum(sizes.values())
    if size >= total:
        return dict(sizes)
    exact = {stratum: size * count / total for stratum, count in sizes.items()}
    shares = {stratum: int(value) for stratum, value in exact.items()}
    left = size - sum(shares.values())
    order = sorted(sizes, key=lambda s: (-(exact[s] - shares[s]), -sizes[s], str(s)))
    for stratum in order[:left]:
        shares[stratum] += 1
    return shares


def sample(ids: Sequence[int], size: int, seed: int, strata: Sequence[Hashable] | None = None) -> list[int]:
    """`size` of `ids` without replacement (every one if there are fewer), sorted; with `strata` (one per id)
    each stratum gives its quota, drawn at random within it."""
    rng = np.random.default_rng(seed)
    order = np.argsort(np.asarray(ids), kind="stable")
    ordered = np.asarray(ids)[order]
    if strata is None:
        if size >= len(ordered):
            return sorted(int(i) for i in ordered)
        return sorted(int(i) for i in rng.choice(ordered, size=size, replace=False))
    by_stratum: dict[Hashable, list[int]] = {}
    for position in order:
        by_stratum.setdefault(strata[position], []).append(int(ids[position]))
    chosen: list[int] = []
    shares = quotas({stratum: len(members) for stratum, members in by_stratum.items()}, size)
    for stratum in sorted(by_stratum, key=str):
        members = by_stratum[stratum]
        chosen += [int(i) for i in rng.choice(members, size=shares[stratum], replace=False)]
    return sorted(chosen)
