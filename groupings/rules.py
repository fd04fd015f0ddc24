"""Needs-based grouping suggestion rules (SPEC section 3): the engine over the rule table, every parameter data.

"Not known" is None in a ratings mapping and NOT_KNOWN_CODE (-1) only in int8 code arrays; ratings_to_codes is
the one place a mapping becomes codes. The scalar path runs the vectorised engine on one column. The child's
age (completed years at the Current View's date) is an optional input: None, or NOT_KNOWN_CODE in an array,
when not known; only rules with an age band read it.

A rules version is either the rule table's parameters (TableRuleSet) or a path version (PathRuleSet,
groupings/path_rules.py: the paths of a tree the lab published); both are checked for too much Not known
first, then the first rule or path that holds wins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from assessments.current_view_items import ALL_ITEMS, COMPLEXITY_ITEMS, ITEMS_BY_ID, MAX_CODE, PROBLEM_ITEMS
from groupings.path_rules import PathRuleSet, is_path_definition, path_matches, path_words
from groupings.rule_table import ADD_ON_TABLE, NOT_KNOWN_CODE, RULE_TABLE, Facts, Rule, RuleOutcome
from groupings.rules_version import (
    DEMO_V2_DEFINITION,
    MAX_AGE,
    V1_DEFINITION,
    Domain,
    DomainKind,
    RuleSet,
    TableRuleSet,
    Threshold,
    ruleset_schema,
    validated_ruleset,
)

# pandas (and the pyarrow it loads) is imported where frames are built: every process loads this module, few
# build one (tests/test_startup_imports.py).
if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ADD_ON_TABLE",
    "DEMO_V2_DEFINITION",
    "INSUFFICIENT",
    "MAX_AGE",
    "NOT_KNOWN_CODE",
    "PathRuleSet",
    "RULE_IDS",
    "RULE_TABLE",
    "V1_DEFINITION",
    "Domain",
    "DomainKind",
    "Rule",
    "RuleEngine",
    "RuleOutcome",
    "RuleOutcomes",
    "RuleSet",
    "TableRuleSet",
    "Threshold",
    "explain",
    "pair_code",
    "frame_to_columns",
    "ratings_to_codes",
    "ruleset_from_definition",
    "suggest",
    "suggest_arrays",
    "suggest_columns",
    "suggest_frame",
]

INSUFFICIENT = "INSUFFICIENT"

_POSITION = {item: n for n, item in enumerate(ALL_ITEMS)}
_COMPLEXITY_POSITIONS = [_POSITION[item] for item in COMPLEXITY_ITEMS]
_PROBLEM_POSITIONS = [_POSITION[item] for item in PROBLEM_ITEMS]
_MAX_CODES = np.array([MAX_CODE[ITEMS_BY_ID[item].response_scale] for item in ALL_ITEMS], dtype=np.int8)


@dataclass(frozen=True, eq=False)
class RuleOutcomes:
    """Outcomes for many Current Views, one element per row: grouping and rule are object arrays (grouping
    None without enough information), add_on_grouping an object array (None without an add-on),
    complexity_count int8, the flags bool."""

    grouping: np.ndarray
    rule: np.ndarray
    rules_version: str
    complexity_count: np.ndarray
    attendance_flag: np.ndarray
    risk_flag: np.ndarray
    add_on_grouping: np.ndarray
    add_on_rule: np.ndarray


def ratings_to_codes(ratings: Mapping[str, int | None]) -> np.ndarray:
    """One Current View (item id -> stored code, None or missing = Not known) as 50 int8 codes, ALL_ITEMS order."""
    unknown = sorted(set(ratings) - ITEMS_BY_ID.keys())
    if unknown:
        raise ValueError(f"unknown Current View item(s): {', '.join(map(str, unknown))}")
    for item, value in ratings.items():
        top = MAX_CODE[ITEMS_BY_ID[item].response_scale]
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top
        ):
            raise ValueError(f"{item}: {value!r} is not a stored rating (0-{top}, or None for Not known)")
    return np.array(
        [NOT_KNOWN_CODE if (value := ratings.get(item)) is None else value for item in ALL_ITEMS],
        dtype=np.int8,
    )


def _flag(codes: np.ndarray, thresholds: Sequence[Threshold]) -> np.ndarray:
    met = np.zeros(codes.shape[1], dtype=bool)
    for threshold in thresholds:
        met |= codes[_POSITION[threshold.item]] >= threshold.at_least
    return met


class RuleEngine:
    """An ordered table of rules, a table of add-on rules and the rules-version schema their parameters make up."""

    def __init__(self, table: Sequence[Rule[Any]], add_ons: Sequence[Rule[Any]] = ()) -> None:
        ids = [rule.id for rule in (*table, *add_ons)]
        if len(set(ids)) != len(ids) or INSUFFICIENT in ids:
            raise ValueError(f"rule ids must be distinct and not {INSUFFICIENT!r}: {ids}")
        self.table = tuple(table)
        self.add_ons = tuple(add_ons)
        self.rule_ids = tuple(rule.id for rule in table)
        self.schema = ruleset_schema(
            {rule.id: (rule.params, rule.optional) for rule in table},
            {rule.id: rule.params for rule in add_ons},
        )
        self._by_id = {rule.id: rule for rule in (*table, *add_ons)}

    def ruleset_from_definition(self, version: str, definition: Mapping[str, Any]) -> RuleSet:
        """Build and validate a RuleSet from its JSON definition, the rule table's parameters or (with
        "paths") a path version; raises ValueError naming the faulty key."""
        schema = PathRuleSet if is_path_definition(definition) else self.schema
        return validated_ruleset(schema, version, definition)

    def suggest(
        self, ratings: Mapping[str, int | None], rules: RuleSet, age: int | None = None
    ) -> RuleOutcome:
        """The outcome for one Current View: the vectorised engine run on one column."""
        ages = _valid_ages(np.array([NOT_KNOWN_CODE if age is None else age]), 1)
        codes = ratings_to_codes(ratings)[:, np.newaxis]
        outcomes, facts = self._decide(codes, rules, ages)
        if facts is None:  # a path version: no domains, and no threshold of "rated high"
            problems = codes[_PROBLEM_POSITIONS, 0]
            return RuleOutcome(
                grouping=outcomes.grouping[0],
                rule=outcomes.rule[0],
                rules_version=outcomes.rules_version,
                complexity_count=int(outcomes.complexity_count[0]),
                attendance_flag=bool(outcomes.attendance_flag[0]),
                risk_flag=bool(outcomes.risk_flag[0]),
                raised_domains=(),
                high_items=(),
                severe_count=int(np.count_nonzero(problems == 3)),
                not_known_count=int(np.count_nonzero(problems == NOT_KNOWN_CODE)),
                age=age,
            )
        return RuleOutcome(
            grouping=outcomes.grouping[0],
            rule=outcomes.rule[0],
            rules_version=outcomes.rules_version,
            complexity_count=int(outcomes.complexity_count[0]),
            attendance_flag=bool(outcomes.attendance_flag[0]),
            risk_flag=bool(outcomes.risk_flag[0]),
            raised_domains=facts.raised_domains(0),
            high_items=facts.high_items(0),
            severe_count=int(facts.severe_count[0]),
            not_known_count=int(facts.not_known_count[0]),
            age=age,
            add_on_grouping=outcomes.add_on_grouping[0],
            add_on_rule=outcomes.add_on_rule[0],
        )

    def suggest_columns(
        self, columns: np.ndarray, rules: RuleSet, ages: np.ndarray | None = None
    ) -> RuleOutcomes:
        """Outcomes for a 50 x rows array of codes (one row per item, ALL_ITEMS order) and optional ages."""
        cols = _valid_columns(columns)
        return self._decide(cols, rules, None if ages is None else _valid_ages(ages, cols.shape[1]))[0]

    def explain(self, outcome: RuleOutcome, rules: RuleSet) -> str:
        """The rule that fired, in plain words for a clinician."""
        if outcome.rules_version != rules.version:
            raise ValueError(f"suggestion made under {outcome.rules_version!r}, not {rules.version!r}")
        if outcome.rule == INSUFFICIENT:
            return (
                f"Not enough information: {rules.insufficient_not_known_at_least} or more of the "
                f"{len(PROBLEM_ITEMS)} problem descriptions are Not known, so no grouping is suggested."
            )
        if isinstance(rules, PathRuleSet):
            path = rules.path(outcome.rule)
            return f"{path.id}: {path_words(path)}."
        if not isinstance(rules, self.schema):
            raise ValueError(f"rules version {rules.version!r} was not built for this table of rules")
        rule = self._by_id[outcome.rule]
        words = f"{rule.id}: {rule.reason(rules.rule_params()[rule.id], outcome, rules)}"
        if outcome.add_on_rule is not None:
            add_on = self._by_id[outcome.add_on_rule]
            reason = add_on.reason(rules.add_on_params()[add_on.id], outcome, rules)
            words += f" Add-on {outcome.add_on_grouping} ({add_on.id}): {reason}"
        return words

    def _decide(
        self, codes: np.ndarray, rules: RuleSet, ages: np.ndarray | None = None
    ) -> tuple[RuleOutcomes, Facts | None]:
        if isinstance(rules, PathRuleSet):
            return self._decide_paths(codes, rules), None
        if not isinstance(rules, self.schema):
            raise ValueError(f"rules version {rules.version!r} was not built for this table of rules")
        facts = Facts.of(codes, rules, ages)
        params = rules.rule_params()
        table = [rule for rule in self.table if rule.id in params]  # optional rules the version leaves out
        # SPEC section 3: too many Not known is checked before every rule; then the first match wins.
        matches = [facts.not_known_count >= rules.insufficient_not_known_at_least]
        matches += [rule.matches(facts, params[rule.id]) for rule in table]
        index = np.select(matches, np.arange(len(matches), dtype=np.int8), default=len(matches))
        if facts.rows and index.max() == len(matches):
            raise ValueError("no rule matched a Current View: the last rule of a table must match every row")
        grouping = self._groupings(index, facts, params, table)
        add_on_grouping, add_on_rule = self._add_ons(index > 0, grouping, facts, rules)
        outcomes = RuleOutcomes(
            grouping=grouping,
            rule=np.array((INSUFFICIENT, *(rule.id for rule in table)), dtype=object)[index],
            rules_version=rules.version,
            complexity_count=np.count_nonzero(codes[_COMPLEXITY_POSITIONS] == 1, axis=0).astype(np.int8),
            attendance_flag=_flag(codes, rules.flags.attendance),
            risk_flag=_flag(codes, rules.flags.risk),
            add_on_grouping=add_on_grouping,
            add_on_rule=add_on_rule,
        )
        return outcomes, facts

    def _decide_paths(self, codes: np.ndarray, rules: PathRuleSet) -> RuleOutcomes:
        """A path version: the same Not known check first, then the first path whose conditions hold."""
        not_known = np.count_nonzero(codes[_PROBLEM_POSITIONS] == NOT_KNOWN_CODE, axis=0)
        matches = [not_known >= rules.insufficient_not_known_at_least]
        matches += [path_matches(codes, path) for path in rules.paths]
        index = np.select(matches, np.arange(len(matches), dtype=np.int16), default=len(matches))
        if codes.shape[1] and index.max() == len(matches):
            raise ValueError("no path matched a Current View: every Current View must take a path")
        rows = codes.shape[1]
        return RuleOutcomes(
            grouping=np.array((None, *(path.grouping for path in rules.paths)), dtype=object)[index],
            rule=np.array((INSUFFICIENT, *(path.id for path in rules.paths)), dtype=object)[index],
            rules_version=rules.version,
            complexity_count=np.count_nonzero(codes[_COMPLEXITY_POSITIONS] == 1, axis=0).astype(np.int8),
            attendance_flag=_flag(codes, rules.flags.attendance),
            risk_flag=_flag(codes, rules.flags.risk),
            add_on_grouping=np.full(rows, None, dtype=object),
            add_on_rule=np.full(rows, None, dtype=object),
        )

    def _add_ons(
        self, suggested: np.ndarray, grouping: np.ndarray, facts: Facts, rules: RuleSet
    ) -> tuple[np.ndarray, np.ndarray]:
        """The add-on grouping and rule of each row (None where none): evaluated apart from the first-match
        rules, never without a primary suggestion, never the primary grouping itself."""
        add_on_grouping = np.full(facts.rows, None, dtype=object)
        add_on_rule = np.full(facts.rows, None, dtype=object)
        params = rules.add_on_params()
        open_rows = suggested.copy()
        for rule in self.add_ons:
            if rule.id not in params:
                continue
            candidates = np.flatnonzero(open_rows & rule.matches(facts, params[rule.id]))
            if not candidates.size:
                continue
            eligible = np.zeros(facts.rows, dtype=bool)
            eligible[candidates] = True
            found = np.broadcast_to(
                np.asarray(rule.grouping(facts, params[rule.id], eligible), dtype=object), candidates.shape
            )
            differs = found != grouping[candidates]
            fired = candidates[differs]
            add_on_grouping[fired] = found[differs]
            add_on_rule[fired] = rule.id
            open_rows[fired] = False
        return add_on_grouping, add_on_rule

    def _groupings(
        self, index: np.ndarray, facts: Facts, params: Mapping[str, Any], table: Sequence[Rule[Any]]
    ) -> np.ndarray:
        # One small code per row, looked up at the end: far cheaper than writing strings row by row.
        codes: list[str | None] = [None]
        small = np.zeros(facts.rows, dtype=np.int16)
        per_row: list[tuple[np.ndarray, np.ndarray]] = []
        for n, rule in enumerate(table, start=1):
            fired = index == n
            if not fired.any():
                continue
            found = rule.grouping(facts, params[rule.id], fired)
            if isinstance(found, str):
                small[fired] = len(codes)
                codes.append(found)
            else:
                per_row.append((fired, found))
        grouping = np.array(codes, dtype=object)[small]
        for fired, found in per_row:
            grouping[fired] = found
        return grouping


def _valid_ages(ages: np.ndarray, rows: int) -> np.ndarray:
    """int16 ages (completed years), NOT_KNOWN_CODE for not known; refuses anything else."""
    values = np.asarray(ages)
    if values.shape != (rows,):
        raise ValueError(f"expected {rows} ages, got shape {values.shape}")
    if not np.issubdtype(values.dtype, np.integer):
        raise ValueError(f"expected whole years of age, got dtype {values.dtype}")
    if values.size and (values.min() < NOT_KNOWN_CODE or values.max() > MAX_AGE):
        raise ValueError(f"ages must be 0-{MAX_AGE} years, or {NOT_KNOWN_CODE} when not known")
    return values.astype(np.int16)


def _valid_columns(columns: np.ndarray) -> np.ndarray:
    cols = np.asarray(columns)
    if cols.ndim != 2 or cols.shape[0] != len(ALL_ITEMS):
        raise ValueError(f"expected a {len(ALL_ITEMS)} x rows array, got shape {cols.shape}")
    if cols.dtype != np.int8:
        if not np.issubdtype(cols.dtype, np.integer):
            raise ValueError(f"expected integer codes, got dtype {cols.dtype}")
        if cols.size and (cols.min() < NOT_KNOWN_CODE or cols.max() > 3):
            raise ValueError("codes must be -1 (Not known) or a stored rating 0-3")
        cols = cols.astype(np.int8)
    if cols.shape[1]:
        bad = np.flatnonzero((cols.min(axis=1) < NOT_KNOWN_CODE) | (cols.max(axis=1) > _MAX_CODES))
        if bad.size:
            item = ALL_ITEMS[bad[0]]
            raise ValueError(f"{item}: codes must be -1 (Not known) or 0-{_MAX_CODES[bad[0]]}")
    return cols


ENGINE = RuleEngine(RULE_TABLE, ADD_ON_TABLE)
RULE_IDS = ENGINE.rule_ids


def ruleset_from_definition(version: str, definition: Mapping[str, Any]) -> RuleSet:
    """Build and validate a RuleSet from its JSON definition; raises ValueError naming the faulty key."""
    return ENGINE.ruleset_from_definition(version, definition)


def suggest(ratings: Mapping[str, int | None], rules: RuleSet, age: int | None = None) -> RuleOutcome:
    """Suggest a grouping for one Current View (item id -> stored code, None or missing = Not known) of a
    child of `age` completed years at its date (None: not known)."""
    return ENGINE.suggest(ratings, rules, age)


def explain(outcome: RuleOutcome, rules: RuleSet) -> str:
    """The rule that fired, in plain words for a clinician."""
    return ENGINE.explain(outcome, rules)


def suggest_arrays(codes: np.ndarray, rules: RuleSet, ages: np.ndarray | None = None) -> RuleOutcomes:
    """Vectorised suggest over a rows x 50 int8 array in ALL_ITEMS order, -1 meaning Not known, and optional
    ages (one per row, -1 when not known; None: no age known)."""
    codes = np.asarray(codes)
    if codes.ndim != 2 or codes.shape[1] != len(ALL_ITEMS):
        raise ValueError(f"expected a rows x {len(ALL_ITEMS)} array, got shape {codes.shape}")
    return suggest_columns(np.ascontiguousarray(codes.T), rules, ages)


def suggest_columns(columns: np.ndarray, rules: RuleSet, ages: np.ndarray | None = None) -> RuleOutcomes:
    """Vectorised suggest over a 50 x rows int8 array (one row per item, ALL_ITEMS order), -1 = Not known,
    and optional ages (one per row, -1 when not known)."""
    return ENGINE.suggest_columns(columns, rules, ages)


def frame_to_columns(frame: pd.DataFrame) -> np.ndarray:
    """The 50 x rows int8 codes of a frame's item columns; NaN, None, pd.NA or -1 mean Not known."""
    missing = [item for item in ALL_ITEMS if item not in frame.columns]
    if missing:
        raise ValueError(f"missing item column(s): {', '.join(missing)}")
    if frame.columns.nlevels == 1 and frame.columns.is_unique:
        items = frame[list(ALL_ITEMS)]
        if all(dtype == np.float64 for dtype in items.dtypes):  # all at once: one 2-D array
            return _checked_codes(items.to_numpy(dtype=np.float64).T)
    cols = np.empty((len(ALL_ITEMS), len(frame)), dtype=np.int8)
    for n, item in enumerate(ALL_ITEMS):
        series = frame[item]
        if series.dtype == np.int8:
            cols[n] = series.to_numpy()
            continue
        cols[n] = _checked_codes(series.to_numpy(dtype=np.float64, na_value=np.nan)[None, :], first=n)[0]
    return cols


def _checked_codes(values: np.ndarray, first: int = 0) -> np.ndarray:
    """The int8 codes of float codes of consecutive items (one row an item, from ALL_ITEMS[first]), NaN being
    Not known; the first item with a code outside its scale, or else not a whole number, is refused."""
    values = np.where(np.isnan(values), NOT_KNOWN_CODE, values)
    if values.shape[1]:
        top = _MAX_CODES[first : first + len(values)]
        out_of_range = (values.min(axis=1) < NOT_KNOWN_CODE) | (values.max(axis=1) > top)
        not_whole = (values != np.trunc(values)).any(axis=1)
        bad = np.flatnonzero(out_of_range | not_whole)
        if bad.size:
            n = first + bad[0]
            if out_of_range[bad[0]]:
                raise ValueError(f"{ALL_ITEMS[n]}: codes must be Not known or 0-{_MAX_CODES[n]}")
            raise ValueError(f"{ALL_ITEMS[n]}: codes must be whole numbers")
    return values.astype(np.int8, order="C")


def pair_code(grouping: str | None, add_on: str | None) -> str | None:
    """A grouping with its add-on as shown and counted: "GH03 + GA02", or the grouping alone."""
    return f"{grouping} + {add_on}" if grouping and add_on else grouping


def frame_ages(frame: pd.DataFrame) -> np.ndarray | None:
    """The ages of a frame's optional `age` column (NaN, None or pd.NA: not known); None without the column."""
    if "age" not in frame.columns:
        return None
    values = frame["age"].to_numpy(dtype=np.float64, na_value=np.nan)
    ages = np.where(np.isnan(values), NOT_KNOWN_CODE, values)
    if not np.array_equal(ages, np.round(ages)):
        raise ValueError("age: ages must be whole years")
    return ages.astype(np.int64)


def suggest_frame(frame: pd.DataFrame, rules: RuleSet) -> pd.DataFrame:
    """Vectorised suggest over a frame with the 50 item-id columns (and an optional `age` column); returns
    suggestion columns, same index."""
    import pandas as pd

    result = suggest_columns(frame_to_columns(frame), rules, frame_ages(frame))
    return pd.DataFrame(
        {
            "grouping": pd.Series(result.grouping, index=frame.index, dtype=object),
            "rule": pd.Series(result.rule, index=frame.index, dtype=object),
            "rules_version": pd.Series(result.rules_version, index=frame.index, dtype=object),
            "complexity_count": pd.Series(result.complexity_count, index=frame.index),
            "attendance_flag": pd.Series(result.attendance_flag, index=frame.index),
            "risk_flag": pd.Series(result.risk_flag, index=frame.index),
            "add_on_grouping": pd.Series(result.add_on_grouping, index=frame.index, dtype=object),
        }
    )
