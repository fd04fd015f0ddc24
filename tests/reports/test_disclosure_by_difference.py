"""No suppressed cell can be solved back from the other figures of its file (issue 30, point 3).

The attacker's method: for each row, every raw (numerator, denominator) that publishes exactly as the row
does (with the production rules, shares included), then every combination of rows whose raw sums publish as
the file's total row. A `*` is given away when all the combinations left agree on its raw value.
"""

from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.disclosure import (
    SUPPRESSED,
    DisclosureRule,
    disclose_count,
    disclose_frame,
    disclose_share,
    disclose_with_total,
)

RULE = DisclosureRule(counts=("paired", "closed"), shares={"paired_share": ("paired", "closed")})
COLUMNS = ["label", "paired", "closed", "paired_share"]


def _raw(rows: list[tuple[int, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [(f"row {n}", paired, closed) for n, (paired, closed) in enumerate(rows)],
        columns=["label", "paired", "closed"],
    )
    frame["paired_share"] = [
        100 * p / c if c else None for p, c in zip(frame.paired, frame.closed, strict=True)
    ]
    return frame[COLUMNS]


def _publish(rows: list[tuple[int, int]]) -> pd.DataFrame:
    return disclose_with_total(_raw(rows), RULE, "label")


def _could_be(published: Any) -> range:
    """Raw counts that a published count may stand for."""
    if published == SUPPRESSED:
        return range(1, 8)
    if published == 0:
        return range(0, 1)
    return range(max(8, int(published) - 2), int(published) + 3)


def _candidates(published_row: pd.Series) -> list[tuple[int, int]]:
    """Every raw (paired, closed) of one row that publishes as `published_row` does."""
    pairs = [
        (paired, closed)
        for paired in _could_be(published_row["paired"])
        for closed in _could_be(published_row["closed"])
        if paired <= closed
    ]
    again = disclose_frame(_raw(pairs), RULE) if pairs else pd.DataFrame(columns=COLUMNS)
    return [
        pair
        for pair, (_, row) in zip(pairs, again.iterrows(), strict=True)
        if [row["paired"], row["closed"], row["paired_share"]]
        == [published_row["paired"], published_row["closed"], published_row["paired_share"]]
    ]


def _solved(published: pd.DataFrame) -> dict[tuple[int, str], set[int]]:
    """For every `*` count of the file, the raw values it may have had: every combination of the rows'
    candidates (one axis of an array a row) whose sums publish as the total row does."""
    rows, total = published.iloc[:-1], published.iloc[-1]
    per_row = [np.array(_candidates(row), dtype=np.int64).reshape(-1, 2) for _, row in rows.iterrows()]
    possible: dict[tuple[int, str], set[int]] = {
        (n, column): set()
        for n, row in enumerate(row for _, row in rows.iterrows())
        for column in ("paired", "closed")
        if row[column] == SUPPRESSED
    }
    fits = np.ones([len(candidates) for candidates in per_row], dtype=bool)
    for side, column in enumerate(("paired", "closed")):
        shown = total[column]
        if shown == SUPPRESSED:
            continue
        sums = sum(
            candidates[:, side].reshape([-1 if axis == n else 1 for axis in range(len(per_row))])
            for n, candidates in enumerate(per_row)
        )
        publishes = np.array(
            [disclose_count(raw) == shown for raw in range(int(np.max(sums, initial=0)) + 1)]
        )
        fits &= publishes[sums]
    chosen = np.nonzero(fits)
    for (n, column), values in possible.items():
        values.update(per_row[n][chosen[n], 0 if column == "paired" else 1].tolist())
    return possible


populations = st.lists(
    st.integers(0, 20).flatmap(lambda closed: st.tuples(st.integers(0, closed), st.just(closed))),
    min_size=1,
    max_size=3,
)


@settings(max_examples=100)
@given(populations)
def test_no_suppressed_count_can_be_solved_back_from_its_file(rows):
    published = _publish(rows)
    for cell, values in _solved(published).items():
        assert len(values) > 1, f"{cell} of {rows} is given away by {published.to_dict('records')}"


def test_the_reported_leak_a_share_beside_a_suppressed_count_is_suppressed():
    """The commissioner's file showed closed_episodes=10, episodes_with_pair=*, paired_share=40.0: 4 pairs."""
    published = _publish([(4, 10)])
    assert published.iloc[0][["paired", "closed", "paired_share"]].tolist() == [SUPPRESSED, 10, SUPPRESSED]


def test_a_total_that_would_give_a_suppressed_cell_away_is_suppressed():
    """`*`, 15, 15 with a total of 25 leaves only 13 + 13 + 1 = 27 raw: the total must not be shown."""
    published = _publish([(0, 1), (0, 13), (0, 13)])
    assert published["closed"].tolist() == [SUPPRESSED, 15, 15, SUPPRESSED]
    assert _publish([(0, 3), (0, 13), (0, 13)])["closed"].tolist() == [SUPPRESSED, 15, 15, 30]


def test_a_share_is_computed_from_the_rounded_counts_a_reader_sees():
    published = _publish([(9, 23)])  # 39.1% raw; published 10 of 25
    assert published.iloc[0][["paired", "closed", "paired_share"]].tolist() == [10, 25, 40.0]
    assert disclose_share(10, 25) == 40.0
    assert disclose_share(SUPPRESSED, 25) == SUPPRESSED
    assert disclose_share(0, 0) is None
