"""The movement table between CAMHS-NBG v1 and the demo v2 rules version on synthetic Current Views.

Run from the project root: `python -m bench.movement [--rows 100000]`. No database: both versions come
straight from their definitions; ages are uniform over 4-17 years with 5% not known. A grouping with an
add-on is its own destination ("GH03 + GA02"), as on the re-grouping page (groupings/movement.py).
"""

import argparse
import time

import numpy as np
import pandas as pd

from bench.grouping import synthetic_codes
from groupings.rules import (
    DEMO_V2_DEFINITION,
    V1_DEFINITION,
    pair_code,
    ruleset_from_definition,
    suggest_arrays,
)

SHOWN = 12


def movement_table(rows: int, seed: int = 18) -> tuple[pd.DataFrame, float, float]:
    codes = synthetic_codes(rows, seed)
    rng = np.random.default_rng(seed)
    ages = np.where(rng.random(rows) < 0.05, -1, rng.integers(4, 18, size=rows))
    v1 = ruleset_from_definition("CAMHS-NBG v1", V1_DEFINITION)
    v2 = ruleset_from_definition("demo v2", DEMO_V2_DEFINITION)
    started = time.perf_counter()
    before = suggest_arrays(codes, v1)
    v1_seconds = time.perf_counter() - started
    started = time.perf_counter()
    after = suggest_arrays(codes, v2, ages)
    v2_seconds = time.perf_counter() - started
    frame = pd.DataFrame(
        {
            "v1": [code or "No suggestion" for code in before.grouping],
            "demo v2": [
                pair_code(code, add_on) or "No suggestion"
                for code, add_on in zip(after.grouping, after.add_on_grouping, strict=True)
            ],
        }
    )
    table = frame.value_counts().rename("cases").reset_index()
    table["moves"] = table["v1"] != table["demo v2"]
    return table, v1_seconds, v2_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    table, v1_seconds, v2_seconds = movement_table(rows)
    moving = table[table["moves"]]
    print(f"{rows:,} synthetic Current Views; v1 {v1_seconds:.3f} s, demo v2 (with ages) {v2_seconds:.3f} s")
    print(f"{int(moving['cases'].sum()):,} move ({100 * moving['cases'].sum() / rows:.1f}%):")
    print("| v1 | demo v2 | cases |\n|---|---|---|")
    for row in moving.head(SHOWN).itertuples(index=False):
        print(f"| {row.v1} | {row[1]} | {row.cases:,} |")
    rest = moving.iloc[SHOWN:]
    if len(rest):
        print(f"| {len(rest)} other moves | | {int(rest['cases'].sum()):,} |")


if __name__ == "__main__":
    main()
