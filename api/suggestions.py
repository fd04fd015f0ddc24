"""Grouping as a service: Current Views given as JSON (item id -> answer) in, the page's suggestions out.

Pure: no ORM, no request. Answers are the form's words ("Mild", "Not known", "Yes"; any case), the stored
codes (0-3, 0/1) or null for Not known; an item left out is Not known, as in the engine. Many views go
through the vectorised engine at once (groupings.rules.suggest_columns), and each distinct outcome is
explained once, in the words the Current View page shows.
"""

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from assessments.current_view_items import ALL_ITEMS, ITEMS_BY_ID, RESPONSES
from groupings.rule_table import Facts
from groupings.rules import (
    MAX_AGE,
    NOT_KNOWN_CODE,
    RuleOutcome,
    RuleSet,
    TableRuleSet,
    explain,
    suggest_columns,
)

MAX_VIEWS = 1000
MAX_ERRORS = 100  # the faults named in one answer
_POSITION = {item: n for n, item in enumerate(ALL_ITEMS)}
_EXPECTED = {
    "severity": "expected None, Mild, Moderate, Severe, Not known, 0-3 or null",
    "presence": "expected Yes, No, Not known, 1, 0 or null",
}


def _answers(scale: str) -> dict[Any, int]:
    table: dict[Any, int] = {None: NOT_KNOWN_CODE}
    for word, code in RESPONSES[scale].items():
        value = NOT_KNOWN_CODE if code is None else code
        table[word] = table[word.lower()] = value
        if code is not None:
            table[code] = table[str(code)] = value
    return table


_ANSWERS = {scale: _answers(scale) for scale in RESPONSES}
_TABLE_OF = [_ANSWERS[ITEMS_BY_ID[item].response_scale] for item in ALL_ITEMS]


class Invalid(ValueError):
    """Bad input: `errors` maps each bad field (e.g. `views[3].items.p01`) to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


def _code(table: dict[Any, int], value: Any) -> int | None:
    kind = type(value)
    if kind is str:
        code = table.get(value)
        return table.get(" ".join(value.split()).lower()) if code is None else code
    if kind is int or value is None:
        return table.get(value)
    return None  # bools, floats, lists and objects are not answers


def read_view(view: Any, where: str, codes: np.ndarray, column: int, *, every_item: bool = False) -> dict:
    """Write one view's codes into `codes[:, column]`; the errors it has, by field. `every_item`: an item
    left out is an error (the form's rule: every item is answered, Not known included)."""
    errors: dict[str, str] = {}
    if not isinstance(view, Mapping):
        return {where or "body": "expected an object with `items`"}
    items = view.get("items")
    prefix = f"{where}." if where else ""
    if not isinstance(items, Mapping):
        return {f"{prefix}items": "expected an object of Current View item ids and answers"}
    for item, value in items.items():
        if len(errors) >= MAX_ERRORS:
            break  # enough to say what is wrong; a hostile body does not make a huge answer
        position = _POSITION.get(item)
        if position is None:
            errors[f"{prefix}items.{str(item)[:20]}"] = (
                "not a Current View item (p01-p30, c31-c44, x45-x48, e49, e50)"
            )
            continue
        code = _code(_TABLE_OF[position], value)
        if code is None:
            errors[f"{prefix}items.{item}"] = _EXPECTED[ITEMS_BY_ID[item].response_scale]
        else:
            codes[position, column] = code
    if every_item and len(items) < len(ALL_ITEMS):
        missing = [item for item in ALL_ITEMS if item not in items]
        errors[f"{prefix}items"] = f"answer every item (Not known is an answer): missing {', '.join(missing)}"
    unknown = set(view) - {"items", "age"}
    if unknown:
        errors[f"{prefix}{sorted(map(str, unknown))[0][:20]}"] = "unknown field"
    return errors


def read_age(view: Mapping, where: str) -> tuple[int, dict[str, str]]:
    age = view.get("age")
    if age is None:
        return NOT_KNOWN_CODE, {}
    if type(age) is not int or not 0 <= age <= MAX_AGE:
        return NOT_KNOWN_CODE, {
            f"{where}.age" if where else "age": f"expected whole years 0-{MAX_AGE} or null"
        }
    return age, {}


def read_views(views: Any) -> tuple[np.ndarray, np.ndarray]:
    """The 50 x n codes and n ages of a list of views, or Invalid naming every bad field."""
    if not isinstance(views, list) or not views:
        raise Invalid({"views": "expected a list of 1 to 1000 Current Views"})
    if len(views) > MAX_VIEWS:
        raise Invalid({"views": f"at most {MAX_VIEWS} Current Views in one call, got {len(views)}"})
    fast = _read_fast(views)
    if fast is not None:
        return fast
    codes = np.full((len(ALL_ITEMS), len(views)), NOT_KNOWN_CODE, dtype=np.int8)
    ages = np.full(len(views), NOT_KNOWN_CODE, dtype=np.int16)
    errors: dict[str, str] = {}
    for n, view in enumerate(views):
        where = f"views[{n}]"
        errors.update(read_view(view, where, codes, n))
        if isinstance(view, Mapping):
            ages[n], bad_age = read_age(view, where)
            errors.update(bad_age)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise Invalid(errors)
    return codes, ages


_EXACT = {item: _ANSWERS[ITEMS_BY_ID[item].response_scale] for item in ALL_ITEMS}
_ANSWER_TYPES = frozenset({str, int, type(None)})
_AGE_TYPES = frozenset({int, type(None)})


def _read_fast(views: list) -> tuple[np.ndarray, np.ndarray] | None:
    """The codes and ages of views whose every answer is written exactly as the table has it; None at the
    first thing that is not (then read_view reads every view again, naming each fault)."""
    rows: list[list[int]] = []
    ages: list[int] = []
    unknown = [NOT_KNOWN_CODE] * len(ALL_ITEMS)
    try:
        for view in views:
            row = unknown.copy()
            for item, value in view["items"].items():
                if value.__class__ not in _ANSWER_TYPES:
                    return None  # True == 1 and 1.0 == 1 as keys: refused by the slow path
                row[_POSITION[item]] = _EXACT[item][value]
            age = view.get("age")
            if len(view) > 2 or (len(view) == 2 and "age" not in view) or age.__class__ not in _AGE_TYPES:
                return None
            if age is None:
                years = NOT_KNOWN_CODE
            elif isinstance(age, int) and 0 <= age <= MAX_AGE:
                years = age
            else:
                return None
            rows.append(row)
            ages.append(years)
    except (KeyError, TypeError, AttributeError):
        return None
    return np.array(rows, dtype=np.int8).T.copy(), np.array(ages, dtype=np.int16)


def read_one(view: Any) -> tuple[np.ndarray, np.ndarray]:
    """The 50 x 1 codes and the age of one view (`{"items": {...}, "age": 12}`), or Invalid."""
    codes = np.full((len(ALL_ITEMS), 1), NOT_KNOWN_CODE, dtype=np.int8)
    errors = read_view(view, "", codes, 0)
    age, bad_age = read_age(view, "") if isinstance(view, Mapping) else (NOT_KNOWN_CODE, {})
    errors.update(bad_age)
    if errors:
        raise Invalid(errors)
    return codes, np.array([age], dtype=np.int16)


def suggestions(codes: np.ndarray, ages: np.ndarray, rules: RuleSet) -> list[dict[str, Any]]:
    """The page's suggestion of each column: grouping (None without enough information), add-on, rule, the
    rule in words, rules version, complexity count and flags."""
    result = suggest_columns(codes, rules, ages)
    texts = _explanations(codes, ages, result, rules)
    return [
        {
            "grouping": grouping,
            "add_on_grouping": add_on,
            "rule": rule,
            "rule_text": text,
            "rules_version": result.rules_version,
            "complexity_count": count,
            "attendance_flag": attendance,
            "risk_flag": risk,
        }
        for grouping, add_on, rule, text, count, attendance, risk in zip(
            result.grouping.tolist(),
            result.add_on_grouping.tolist(),
            result.rule.tolist(),
            texts,
            result.complexity_count.tolist(),
            result.attendance_flag.tolist(),
            result.risk_flag.tolist(),
            strict=True,
        )
    ]


def _explanations(codes: np.ndarray, ages: np.ndarray, result: Any, rules: RuleSet) -> Sequence[str]:
    """Each column's explanation, worked out once per distinct set of the facts an explanation reads."""
    rows = codes.shape[1]
    rule_of = {rule: n for n, rule in enumerate(dict.fromkeys(result.rule.tolist()))}
    add_on_of = {rule: n for n, rule in enumerate(dict.fromkeys(result.add_on_rule.tolist()))}
    parts = [
        np.array([rule_of[rule] for rule in result.rule.tolist()], dtype=np.int32)[:, None],
        np.array([add_on_of[rule] for rule in result.add_on_rule.tolist()], dtype=np.int32)[:, None],
    ]
    facts = Facts.of(codes, rules, ages) if isinstance(rules, TableRuleSet) else None
    if facts is not None:
        parts += [
            np.packbits(facts.raised, axis=0).T.astype(np.int32),
            np.packbits(facts.high, axis=0).T.astype(np.int32),
            facts.severe_count.astype(np.int32)[:, None],
            ages.astype(np.int32)[:, None],
        ]
    keys = np.hstack(parts)
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    texts = [explain(_outcome(row, result, facts, ages), rules) for row in first.tolist()]
    return [texts[n] for n in inverse.reshape(rows).tolist()]


def _outcome(row: int, result: Any, facts: Facts | None, ages: np.ndarray) -> RuleOutcome:
    age = int(ages[row])
    return RuleOutcome(
        grouping=result.grouping[row],
        rule=result.rule[row],
        rules_version=result.rules_version,
        complexity_count=int(result.complexity_count[row]),
        attendance_flag=bool(result.attendance_flag[row]),
        risk_flag=bool(result.risk_flag[row]),
        raised_domains=facts.raised_domains(row) if facts else (),
        high_items=facts.high_items(row) if facts else (),
        severe_count=int(facts.severe_count[row]) if facts else 0,
        not_known_count=int(facts.not_known_count[row]) if facts else 0,
        age=None if age == NOT_KNOWN_CODE else age,
        add_on_grouping=result.add_on_grouping[row],
        add_on_rule=result.add_on_rule[row],
    )


def read_ratings(items: Any) -> tuple[dict[str, int | None], dict[str, str]]:
    """A whole Current View's ratings as the service stores them (None: Not known), and the errors by field:
    every item must be answered, as on the form."""
    codes = np.full((len(ALL_ITEMS), 1), NOT_KNOWN_CODE, dtype=np.int8)
    errors = read_view({"items": items}, "", codes, 0, every_item=True)
    ratings = {
        item: None if code == NOT_KNOWN_CODE else code
        for item, code in zip(ALL_ITEMS, codes[:, 0].tolist(), strict=True)
    }
    return ratings, errors
