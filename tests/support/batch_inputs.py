"""Deterministic CSV inputs for the batch commands, mixing what real files contain.

Words in any case and spacing, codes, blanks, "Not known", bad cells, rows with too few or too many
cells, quoted cells (commas, doubled quotes, line breaks), a byte order mark, blank lines, both line
endings and a last line without one. Python's `random.Random` keeps them the same on every platform.

The recorded digests of tests/test_batch_outputs_unchanged.py depend on every byte, so the hot loops draw
exactly what `rng.choice` draws (see `_draw_cells`), only without its two Python calls per cell.
"""

import random
from pathlib import Path

from assessments.current_view_items import ALL_ITEMS, ITEMS_BY_ID

NOTES = [
    "",
    "",
    "",
    "seen in clinic",
    "Referred by GP, urgent",
    'said "not today"',
    "two lines\r\nof notes",
    "Zoë, parent",
    "  padded  ",
    "=SUM(A1)",
]
SEVERITY_CELLS = (
    ["None", "none", "NONE", "0"] * 6
    + ["Mild", "mild", " Mild ", "1"] * 3
    + ["Moderate", "moderate", "MODERATE", "2", " 2", "moDERate"]
    + ["Severe", "severe", "3"]
    + ["", "", "   ", "Not known", "not known", "NOT KNOWN", " Not  Known "]
)
PRESENCE_CELLS = (
    ["No", "no", "NO", "0"] * 8 + ["Yes", "yes", "YES", " Yes ", "1"] + ["", "Not known", "not known"]
)
BAD_CELLS = {
    "severity": ["Moderat", "4", "-1", "x", "Yes"],
    "presence": ["Y", "2", "None", "maybe"],
}
MEASURE_CELLS = {
    "sdq": (
        ["Not true", "not true", "NOT TRUE", "0"] * 3
        + ["Somewhat true", "somewhat true", "  Somewhat   True ", "1"] * 2
        + ["Certainly true", "certainly true", "2", ""]
    ),
    "rcads": (
        ["Never", "never", "NEVER", "0"] * 3
        + ["Sometimes", "sometimes", " Sometimes ", "1"] * 2
        + ["Often", "often", "2", "Always", "ALWAYS", "3", ""]
    ),
    "honosca": ["0", "0", "1", "1", "2", "3", "4", " 2", "9", "9 ", "", "", "   "],
}
MEASURE_BAD_CELLS = {
    "sdq": ["3", "Sometimes", "yes", "Not known"],
    "rcads": ["4", "Not true", "Rarely"],
    "honosca": ["5", "8", "Severe", "2.0"],
}
ITEM_COUNTS = {"sdq": 25, "rcads": 47, "honosca": 13}
# Columns added to the measures' files after the digests were first recorded (issue 18): drawn from a random
# generator of their own after each row is made, so the cells of the first columns stay as they were.
SDQ_INFORMANT_CELLS = ["parent", "teacher", "self", "Parent", "TEACHER", " self "]
SDQ_OVERALL_CELLS = [
    "No",
    "no",
    "0",
    "Yes: minor difficulties",
    "1",
    "yes: definite difficulties",
    "2",
    "YES: SEVERE DIFFICULTIES",
    "3",
    "",
]
SDQ_IMPACT_CELLS = [
    "Not at all",
    "not at all",
    "Only a little",
    "Quite a lot",
    "A GREAT DEAL",
    "0",
    "1",
    "2",
    "3",
    "",
]
SDQ_AREAS = [
    "distress",
    "home_life",
    "friendships",
    "classroom_learning",
    "leisure_activities",
    "peer_relationships",
]
SDQ_TEACHER_AREAS = {"distress", "peer_relationships", "classroom_learning"}
SDQ_OTHER_AREAS = set(SDQ_AREAS) - {"peer_relationships"}
SDQ_BAD_SUPPLEMENT_CELLS = ["carer", "maybe", "4", "Sometimes"]


def _sdq_supplement(rng: random.Random) -> list[str]:
    """An SDQ row's informant, overall answer and impact areas (blank where the version has no such area)."""
    informant = rng.choice(SDQ_INFORMANT_CELLS)
    asked = SDQ_TEACHER_AREAS if informant.strip().lower() == "teacher" else SDQ_OTHER_AREAS
    cells = [informant, rng.choice(SDQ_OVERALL_CELLS)]
    for area in SDQ_AREAS:
        cells.append(rng.choice(SDQ_IMPACT_CELLS) if area in asked or rng.random() < 0.002 else "")
    if rng.random() < 0.002:
        cells[rng.randrange(len(cells))] = rng.choice(SDQ_BAD_SUPPLEMENT_CELLS)
    return cells


def _honosca_section_b(rng: random.Random) -> list[str]:
    return [rng.choice(MEASURE_CELLS["honosca"]), rng.choice(MEASURE_CELLS["honosca"])]


ADDED_COLUMNS = {
    "sdq": (["informant", "overall_difficulties", *SDQ_AREAS], _sdq_supplement),
    "honosca": (["i14", "i15"], _honosca_section_b),
}


def _quoted(cell: str) -> str:
    if "," in cell or '"' in cell or "\r" in cell or "\n" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _always_quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


class _QuotedCells(dict[str, str]):
    """`_quoted` of each cell, worked out once per distinct cell (the cells come from small pools)."""

    def __missing__(self, cell: str) -> str:
        self[cell] = quoted = _quoted(cell)
        return quoted


Pool = tuple[list[str], int, int]  # the cells, their number and its bit length


def _pool(cells: list[str]) -> Pool:
    return cells, len(cells), len(cells).bit_length()


def _draw_cells(rng: random.Random, pools: list[tuple[Pool, Pool]]) -> list[str]:
    """For each (bad, good) pair of pools, a cell drawn as `rng.choice(bad) if rng.random() < 0.002 else
    rng.choice(good)` draws it, from the same numbers of the generator.

    `Random.choice(seq)` is `seq[r]` for the first `r = rng.getrandbits(len(seq).bit_length())` below
    `len(seq)` (CPython's `_randbelow_with_getrandbits`); written out here, it costs no Python call per cell.
    """
    random_, getrandbits = rng.random, rng.getrandbits
    cells: list[str] = []
    append = cells.append
    for bad, good in pools:
        cells_of, n, bits = bad if random_() < 0.002 else good
        r = getrandbits(bits)
        while r >= n:
            r = getrandbits(bits)
        append(cells_of[r])
    return cells


def _odd_row(rng: random.Random, cells: list[str]) -> list[str]:
    """Now and then a row loses or gains cells."""
    roll = rng.random()
    if roll < 0.001:
        return cells[: rng.randrange(len(cells))]
    if roll < 0.002:
        return cells + ["extra"] * rng.randint(1, 3)
    return cells


def _write_lines(path: Path, rng: random.Random, header: list[str], rows: list[list[str]]) -> None:
    quoted = _QuotedCells().__getitem__
    parts = ["\ufeff", ",".join(map(_quoted, header)), "\r\n"]
    random_, append, last = rng.random, parts.append, len(rows) - 1
    for n, cells in enumerate(rows):
        append(",".join(map(quoted if random_() > 0.003 else _always_quoted, cells)))
        if n == last:
            break
        append("\n" if random_() < 0.01 else "\r\n")
        if random_() < 0.002:
            append(rng.choice(["\r\n", "\n"]))
    path.write_bytes("".join(parts).encode("utf-8"))


def write_current_view_csv(path: Path, rows: int, seed: int = 11) -> None:
    """A Current View CSV of `rows` rows (plus blank lines) in the shape analysts' exports come in."""
    rng = random.Random(seed)
    header = ["case_id", *ALL_ITEMS[:30], "note", *ALL_ITEMS[30:], "completed_on"]
    header[5], header[40] = " P05 ", "C39"
    scales = [ITEMS_BY_ID[item].response_scale for item in ALL_ITEMS]
    pools = [
        (_pool(BAD_CELLS[scale]), _pool(SEVERITY_CELLS if scale == "severity" else PRESENCE_CELLS))
        for scale in scales
    ]
    lines = []
    for n in range(rows):
        cells = _draw_cells(rng, pools)
        if rng.random() < 0.03:
            cells[: len(cells) // 2] = [""] * (len(cells) // 2)
        row = [f"C{n:06d}", *cells[:30], rng.choice(NOTES), *cells[30:], f"2024-{n % 12 + 1:02d}-01"]
        lines.append(_odd_row(rng, row))
    _write_lines(path, rng, header, lines)


def write_measure_csv(measure: str, path: Path, rows: int, seed: int = 12) -> None:
    """An SDQ, RCADS or HoNOSCA CSV of `rows` rows (plus blank lines), items i01..iNN in words or codes."""
    rng = random.Random(seed)
    count = ITEM_COUNTS[measure]
    items = [f"i{n:02d}" for n in range(1, count + 1)]
    items[2] = " I03 "
    # The SDQ's notes column was named "informant" before that name meant the SDQ's informant.
    notes = "note" if measure == "sdq" else "informant"
    added, added_cells = ADDED_COLUMNS.get(measure, ([], lambda _: []))
    added_rng = random.Random(seed + 1)
    header = ["id", *items[: count // 2], notes, *items[count // 2 :], *added]
    pools = [(_pool(MEASURE_BAD_CELLS[measure]), _pool(MEASURE_CELLS[measure]))] * count
    lines = []
    for n in range(rows):
        cells = _draw_cells(rng, pools)
        if rng.random() < 0.05:
            cells[: count // 2] = [""] * (count // 2)
        row = [f"r{n}", *cells[: count // 2], rng.choice(NOTES), *cells[count // 2 :]]
        lines.append(_odd_row(rng, row) + added_cells(added_rng))
    _write_lines(path, rng, header, lines)
