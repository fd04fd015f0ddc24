"""Needs-based grouping suggestion rules (SPEC section 3): the rule order is code, every parameter is data."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from assessments.current_view_items import (
    ALL_ITEMS,
    COMPLEXITY_ITEMS,
    ITEMS_BY_ID,
    MAX_CODE,
    PROBLEM_ITEMS,
    SEVERITY_RESPONSES,
)
from groupings.rules_version import (
    RULE_IDS,
    V1_DEFINITION,
    AnyItemRule,
    AssessmentRule,
    Domain,
    DomainKind,
    ExactDomainsRule,
    ItemRule,
    RuleSet,
    SevereImpactRule,
    Threshold,
    ruleset_from_definition,
)

__all__ = [
    "INSUFFICIENT",
    "NOT_KNOWN_CODE",
    "RULE_IDS",
    "V1_DEFINITION",
    "AnyItemRule",
    "AssessmentRule",
    "Domain",
    "DomainKind",
    "ExactDomainsRule",
    "ItemRule",
    "RuleSet",
    "SevereImpactRule",
    "Suggestion",
    "SuggestionArrays",
    "Threshold",
    "explain",
    "frame_to_columns",
    "ruleset_from_definition",
    "suggest",
    "suggest_arrays",
    "suggest_columns",
    "suggest_frame",
]

INSUFFICIENT = "INSUFFICIENT"
NOT_KNOWN_CODE = -1


@dataclass(frozen=True)
class Suggestion:
    """A suggested grouping (None when there is not enough information), the rule that fired and the flags."""

    grouping: str | None
    rule: str
    rules_version: str
    complexity_count: int
    attendance_flag: bool
    risk_flag: bool
    raised_domains: tuple[str, ...]
    high_items: tuple[str, ...]
    severe_count: int
    not_known_count: int


def _checked_ratings(ratings: Mapping[str, int | None]) -> dict[str, int | None]:
    unknown = sorted(set(ratings) - ITEMS_BY_ID.keys())
    if unknown:
        raise ValueError(f"unknown Current View item(s): {', '.join(map(str, unknown))}")
    for item, value in ratings.items():
        top = MAX_CODE[ITEMS_BY_ID[item].response_scale]
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top
        ):
            raise ValueError(f"{item}: {value!r} is not a stored rating (0-{top}, or None for Not known)")
    return {item: ratings.get(item) for item in ALL_ITEMS}


def _met(threshold: Threshold, ratings: Mapping[str, int | None]) -> bool:
    value = ratings[threshold.item]
    return value is not None and value >= threshold.at_least


def suggest(ratings: Mapping[str, int | None], rules: RuleSet) -> Suggestion:
    """Suggest a grouping for one Current View (item id -> stored code, None or missing = Not known)."""
    ratings = _checked_ratings(ratings)
    # SPEC section 3: sev(i) counts Not known as 0; hi(i) = sev(i) >= the high threshold.
    sev = {item: ratings[item] or 0 for item in PROBLEM_ITEMS}
    high = tuple(item for item in PROBLEM_ITEMS if sev[item] >= rules.high_at_least)
    raised = tuple(d.name for d in rules.domains if any(item in high for item in d.items))
    severe_count = sum(value >= rules.severe_at_least for value in sev.values())
    not_known_count = sum(ratings[item] is None for item in PROBLEM_ITEMS)
    if not_known_count >= rules.insufficient_not_known_at_least:
        grouping, rule = None, INSUFFICIENT
    else:
        grouping, rule = _first_match(ratings, set(high), raised, severe_count, rules)
    return Suggestion(
        grouping=grouping,
        rule=rule,
        rules_version=rules.version,
        complexity_count=sum(ratings[item] == 1 for item in COMPLEXITY_ITEMS),
        attendance_flag=any(_met(t, ratings) for t in rules.attendance_flag),
        risk_flag=any(_met(t, ratings) for t in rules.risk_flag),
        raised_domains=raised,
        high_items=high,
        severe_count=severe_count,
        not_known_count=not_known_count,
    )


def _first_match(
    ratings: Mapping[str, int | None], high: set[str], raised: tuple[str, ...], severe: int, rules: RuleSet
) -> tuple[str, str]:
    # SPEC section 3: ordered rules, first match wins.
    kinds = {d.name: d.kind for d in rules.domains}
    emotional = sum(kinds[name] == "emotional" for name in raised)
    behavioural = sum(kinds[name] == "behavioural" for name in raised)
    for rule_id, item_rule in (("R01", rules.r01), ("R02", rules.r02), ("R03", rules.r03)):
        if item_rule.item in high:
            return item_rule.grouping, rule_id
    r04 = rules.r04
    if severe >= r04.severe_at_least or (
        len(raised) >= r04.raised_at_least and severe >= r04.raised_with_severe_at_least
    ):
        return r04.grouping, "R04"
    if len(raised) == 1:
        return dict(rules.r05_grouping_by_domain)[raised[0]], "R05"
    if emotional and behavioural:
        return rules.r06_grouping, "R06"
    if set(raised) == set(rules.r07.domains):
        return rules.r07.grouping, "R07"
    if emotional >= rules.r08_emotional_at_least:
        return rules.r08_grouping, "R08"
    if set(raised) == set(rules.r09.domains):
        return rules.r09.grouping, "R09"
    if rules.r10.item in high and ratings[rules.r10.unless_yes] != 1:
        return rules.r10.grouping, "R10"
    if high & set(rules.r11.items):
        return rules.r11.grouping, "R11"
    return rules.r12_grouping, "R12"


def _rated_high(rules: RuleSet) -> str:
    words = [
        word for word, code in SEVERITY_RESPONSES.items() if code is not None and code >= rules.high_at_least
    ]
    return "rated " + (", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0])


def _item_words(items: Sequence[str]) -> str:
    return ", ".join(f"'{ITEMS_BY_ID[item].name}' ({item})" for item in items)


def explain(suggestion: Suggestion, rules: RuleSet) -> str:
    """The rule that fired, in plain words for a clinician."""
    if suggestion.rules_version != rules.version:
        raise ValueError(f"suggestion made under {suggestion.rules_version!r}, not {rules.version!r}")
    rated = _rated_high(rules)
    labels = {d.name: d.label for d in rules.domains}
    kinds = {d.name: d.kind for d in rules.domains}

    def areas(names: Sequence[str]) -> str:
        return ", ".join(labels[name] for name in names)

    def exactly(names: Sequence[str]) -> str:
        words = [labels[name] for name in names]
        return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]

    raised = suggestion.raised_domains
    rule = suggestion.rule
    if rule == INSUFFICIENT:
        return (
            f"Not enough information: {rules.insufficient_not_known_at_least} or more of the "
            f"{len(PROBLEM_ITEMS)} problem descriptions are Not known, so no grouping is suggested."
        )
    if rule in ("R01", "R02", "R03"):
        item_rule = {"R01": rules.r01, "R02": rules.r02, "R03": rules.r03}[rule]
        return f"{rule}: {_item_words([item_rule.item])} is {rated}."
    if rule == "R04":
        r04 = rules.r04
        return (
            f"{rule}: difficulties of severe impact: {r04.severe_at_least} or more problem descriptions are "
            f"rated Severe, or {r04.raised_at_least} or more problem areas are {rated} with at least "
            f"{r04.raised_with_severe_at_least} rated Severe (here {suggestion.severe_count} rated Severe; "
            f"problem areas {rated}: {areas(raised) or 'none'})."
        )
    if rule == "R05":
        return f"{rule}: exactly one problem area is {rated} ({areas(raised)})."
    if rule == "R06":
        emotional = [name for name in raised if kinds[name] == "emotional"]
        behavioural = [name for name in raised if kinds[name] == "behavioural"]
        return (
            f"{rule}: both emotional ({areas(emotional)}) and behavioural ({areas(behavioural)}) "
            f"problem areas are {rated}."
        )
    if rule in ("R07", "R09"):
        names = rules.r07.domains if rule == "R07" else rules.r09.domains
        return f"{rule}: the problem areas {rated} are exactly {exactly(names)}."
    if rule == "R08":
        return (
            f"{rule}: {rules.r08_emotional_at_least} or more emotional problem areas are {rated} "
            f"({areas(raised)})."
        )
    if rule == "R10":
        blocker = _item_words([rules.r10.unless_yes])
        return f"{rule}: {_item_words([rules.r10.item])} is {rated} and {blocker} is not answered Yes."
    if rule == "R11":
        found = [item for item in suggestion.high_items if item in rules.r11.items]
        return f"{rule}: a problem not covered by the other groupings is {rated} ({_item_words(found)})."
    if suggestion.high_items:
        return f"{rule}: no other rule applies, so the default grouping is suggested."
    return f"{rule}: no problem description is {rated}, so the default grouping is suggested."


@dataclass(frozen=True, eq=False)
class SuggestionArrays:
    """Suggestions for many Current Views, one element per row: grouping and rule are object arrays (grouping
    None without enough information), complexity_count int8, the flags bool."""

    grouping: np.ndarray
    rule: np.ndarray
    rules_version: str
    complexity_count: np.ndarray
    attendance_flag: np.ndarray
    risk_flag: np.ndarray


_POSITION = {item: n for n, item in enumerate(ALL_ITEMS)}
_PROBLEM_POSITIONS = [_POSITION[item] for item in PROBLEM_ITEMS]
_COMPLEXITY_POSITIONS = [_POSITION[item] for item in COMPLEXITY_ITEMS]
_MAX_CODES = np.array([MAX_CODE[ITEMS_BY_ID[item].response_scale] for item in ALL_ITEMS], dtype=np.int8)
_RULE_NAMES = np.array((INSUFFICIENT, *RULE_IDS), dtype=object)


def suggest_arrays(codes: np.ndarray, rules: RuleSet) -> SuggestionArrays:
    """Vectorised suggest over a rows x 50 int8 array in ALL_ITEMS order, -1 meaning Not known."""
    codes = np.asarray(codes)
    if codes.ndim != 2 or codes.shape[1] != len(ALL_ITEMS):
        raise ValueError(f"expected a rows x {len(ALL_ITEMS)} array, got shape {codes.shape}")
    return suggest_columns(np.ascontiguousarray(codes.T), rules)


def suggest_columns(columns: np.ndarray, rules: RuleSet) -> SuggestionArrays:
    """Vectorised suggest over a 50 x rows int8 array (one row per item, ALL_ITEMS order), -1 = Not known."""
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
    return _suggest_valid_columns(cols, rules)


def _suggest_valid_columns(cols: np.ndarray, rules: RuleSet) -> SuggestionArrays:
    rows = cols.shape[1]
    problems = cols[_PROBLEM_POSITIONS]
    # SPEC section 3: Not known (-1) is below every threshold, so sev(i) >= t needs no substitution.
    high = problems >= rules.high_at_least
    problem_row = {item: n for n, item in enumerate(PROBLEM_ITEMS)}
    severe = np.count_nonzero(problems >= rules.severe_at_least, axis=0)
    not_known = np.count_nonzero(problems == NOT_KNOWN_CODE, axis=0)
    raised = np.zeros((len(rules.domains), rows), dtype=bool)
    for n, domain in enumerate(rules.domains):
        raised[n] = high[[problem_row[item] for item in domain.items]].any(axis=0)
    n_raised = raised.sum(axis=0)
    domain_row = {d.name: n for n, d in enumerate(rules.domains)}
    emotional = raised[[d.kind == "emotional" for d in rules.domains]].sum(axis=0)
    behavioural = raised[[d.kind == "behavioural" for d in rules.domains]].any(axis=0)

    def exactly(names: tuple[str, ...]) -> np.ndarray:
        wanted = set(names)
        return (n_raised == len(wanted)) & raised[[domain_row[name] for name in wanted]].all(axis=0)

    r04 = rules.r04
    conditions = [
        not_known >= rules.insufficient_not_known_at_least,
        high[problem_row[rules.r01.item]],
        high[problem_row[rules.r02.item]],
        high[problem_row[rules.r03.item]],
        (severe >= r04.severe_at_least)
        | ((n_raised >= r04.raised_at_least) & (severe >= r04.raised_with_severe_at_least)),
        n_raised == 1,
        (emotional > 0) & behavioural,
        exactly(rules.r07.domains),
        emotional >= rules.r08_emotional_at_least,
        exactly(rules.r09.domains),
        high[problem_row[rules.r10.item]] & (cols[_POSITION[rules.r10.unless_yes]] != 1),
        high[[problem_row[item] for item in rules.r11.items]].any(axis=0),
    ]
    rule_index = np.select(conditions, np.arange(len(conditions), dtype=np.int8), default=len(conditions))

    table = [None, *sorted(rules.grouping_codes())]
    per_rule = [None, rules.r01, rules.r02, rules.r03, rules.r04, None]
    per_rule_codes = [rule.grouping if rule else None for rule in per_rule] + [
        rules.r06_grouping,
        rules.r07.grouping,
        rules.r08_grouping,
        rules.r09.grouping,
        rules.r10.grouping,
        rules.r11.grouping,
        rules.r12_grouping,
    ]
    grouping_index = np.array([table.index(code) for code in per_rule_codes], dtype=np.int16)[rule_index]
    single = rule_index == 5
    if single.any():
        by_domain = np.array([table.index(code) for _, code in rules.r05_grouping_by_domain], dtype=np.int16)
        grouping_index[single] = by_domain[raised[:, single].argmax(axis=0)]

    def flag(thresholds: tuple[Threshold, ...]) -> np.ndarray:
        met = np.zeros(rows, dtype=bool)
        for t in thresholds:
            met |= cols[_POSITION[t.item]] >= t.at_least
        return met

    return SuggestionArrays(
        grouping=np.array(table, dtype=object)[grouping_index],
        rule=_RULE_NAMES[rule_index],
        rules_version=rules.version,
        complexity_count=np.count_nonzero(cols[_COMPLEXITY_POSITIONS] == 1, axis=0).astype(np.int8),
        attendance_flag=flag(rules.attendance_flag),
        risk_flag=flag(rules.risk_flag),
    )


def frame_to_columns(frame: pd.DataFrame) -> np.ndarray:
    """The 50 x rows int8 codes of a frame's item columns; NaN, None, pd.NA or -1 mean Not known."""
    missing = [item for item in ALL_ITEMS if item not in frame.columns]
    if missing:
        raise ValueError(f"missing item column(s): {', '.join(missing)}")
    cols = np.empty((len(ALL_ITEMS), len(frame)), dtype=np.int8)
    for n, item in enumerate(ALL_ITEMS):
        series = frame[item]
        if series.dtype == np.int8:
            cols[n] = series.to_numpy()
            continue
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        values = np.where(np.isnan(values), NOT_KNOWN_CODE, values)
        if values.size and (values.min() < NOT_KNOWN_CODE or values.max() > _MAX_CODES[n]):
            raise ValueError(f"{item}: codes must be Not known or 0-{_MAX_CODES[n]}")
        cols[n] = values
        if not np.array_equal(cols[n], values):
            raise ValueError(f"{item}: codes must be whole numbers")
    return cols


def suggest_frame(frame: pd.DataFrame, rules: RuleSet) -> pd.DataFrame:
    """Vectorised suggest over a frame with the 50 item-id columns; returns suggestion columns, same index."""
    result = suggest_columns(frame_to_columns(frame), rules)
    return pd.DataFrame(
        {
            "grouping": pd.Series(result.grouping, index=frame.index, dtype=object),
            "rule": pd.Series(result.rule, index=frame.index, dtype=object),
            "rules_version": pd.Series(result.rules_version, index=frame.index, dtype=object),
            "complexity_count": pd.Series(result.complexity_count, index=frame.index),
            "attendance_flag": pd.Series(result.attendance_flag, index=frame.index),
            "risk_flag": pd.Series(result.risk_flag, index=frame.index),
        }
    )
