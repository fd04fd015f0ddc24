"""Needs-based grouping suggestion rules (SPEC section 3): the rule order is code, every parameter is data."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from groupings.current_view_items import (
    ALL_ITEMS,
    COMPLEXITY_ITEMS,
    ITEMS_BY_ID,
    MAX_CODE,
    PROBLEM_ITEMS,
    SEVERITY_RESPONSES,
)

INSUFFICIENT = "INSUFFICIENT"
RULE_IDS: tuple[str, ...] = tuple(f"R{n:02d}" for n in range(1, 13))
NOT_KNOWN_CODE = -1

DomainKind = Literal["emotional", "behavioural"]


@dataclass(frozen=True)
class Domain:
    """A problem area (e.g. DEP = p09) that is *raised* when any of its items is rated high."""

    name: str
    label: str
    kind: DomainKind
    items: tuple[str, ...]


@dataclass(frozen=True)
class ItemRule:
    """R01-R03: one problem rated high suggests a grouping."""

    item: str
    grouping: str


@dataclass(frozen=True)
class SevereImpactRule:
    """R04: n_severe >= severe_at_least, or n_raised >= raised_at_least with enough Severe ratings."""

    severe_at_least: int
    raised_at_least: int
    raised_with_severe_at_least: int
    grouping: str


@dataclass(frozen=True)
class ExactDomainsRule:
    """R07, R09: the raised domains are exactly these."""

    domains: tuple[str, ...]
    grouping: str


@dataclass(frozen=True)
class AssessmentRule:
    """R10: item rated high and the blocking complexity factor not answered Yes."""

    item: str
    unless_yes: str
    grouping: str


@dataclass(frozen=True)
class AnyItemRule:
    """R11: any of these problems rated high."""

    items: tuple[str, ...]
    grouping: str


@dataclass(frozen=True)
class Threshold:
    """A flag condition: the item's stored code is at least this value (Not known never counts)."""

    item: str
    at_least: int


@dataclass(frozen=True)
class RuleSet:
    """The parameters of one rules version; build it with ruleset_from_definition."""

    version: str
    high_at_least: int
    severe_at_least: int
    insufficient_not_known_at_least: int
    domains: tuple[Domain, ...]
    r01: ItemRule
    r02: ItemRule
    r03: ItemRule
    r04: SevereImpactRule
    r05_grouping_by_domain: tuple[tuple[str, str], ...]
    r06_grouping: str
    r07: ExactDomainsRule
    r08_emotional_at_least: int
    r08_grouping: str
    r09: ExactDomainsRule
    r10: AssessmentRule
    r11: AnyItemRule
    r12_grouping: str
    attendance_flag: tuple[Threshold, ...]
    risk_flag: tuple[Threshold, ...]

    def grouping_codes(self) -> frozenset[str]:
        """Every grouping code the rules can suggest (to check against the groupings catalogue)."""
        fixed = (self.r01, self.r02, self.r03, self.r04, self.r07, self.r09, self.r10, self.r11)
        return frozenset(
            [rule.grouping for rule in fixed]
            + [code for _, code in self.r05_grouping_by_domain]
            + [self.r06_grouping, self.r08_grouping, self.r12_grouping]
        )

    def to_definition(self) -> dict[str, Any]:
        """The JSON-serialisable definition this RuleSet was built from (without the version label)."""
        return {
            "high_at_least": self.high_at_least,
            "severe_at_least": self.severe_at_least,
            "insufficient_not_known_at_least": self.insufficient_not_known_at_least,
            "domains": {
                d.name: {"label": d.label, "kind": d.kind, "items": list(d.items)} for d in self.domains
            },
            "rules": {
                "R01": {"item": self.r01.item, "grouping": self.r01.grouping},
                "R02": {"item": self.r02.item, "grouping": self.r02.grouping},
                "R03": {"item": self.r03.item, "grouping": self.r03.grouping},
                "R04": {
                    "severe_at_least": self.r04.severe_at_least,
                    "raised_at_least": self.r04.raised_at_least,
                    "raised_with_severe_at_least": self.r04.raised_with_severe_at_least,
                    "grouping": self.r04.grouping,
                },
                "R05": {"grouping_by_domain": dict(self.r05_grouping_by_domain)},
                "R06": {"grouping": self.r06_grouping},
                "R07": {"domains": list(self.r07.domains), "grouping": self.r07.grouping},
                "R08": {"emotional_at_least": self.r08_emotional_at_least, "grouping": self.r08_grouping},
                "R09": {"domains": list(self.r09.domains), "grouping": self.r09.grouping},
                "R10": {
                    "item": self.r10.item,
                    "unless_yes": self.r10.unless_yes,
                    "grouping": self.r10.grouping,
                },
                "R11": {"items": list(self.r11.items), "grouping": self.r11.grouping},
                "R12": {"grouping": self.r12_grouping},
            },
            "flags": {
                "attendance": [{"item": t.item, "at_least": t.at_least} for t in self.attendance_flag],
                "risk": [{"item": t.item, "at_least": t.at_least} for t in self.risk_flag],
            },
        }


# SPEC section 3, "CAMHS-NBG v1" (PROPOSED): seed data for the rules-version table, never read by the engine.
V1_DEFINITION: dict[str, Any] = {
    "high_at_least": 2,
    "severe_at_least": 3,
    "insufficient_not_known_at_least": 10,
    "domains": {
        "DEP": {"label": "depression", "kind": "emotional", "items": ["p09"]},
        "SH": {"label": "self-harm", "kind": "emotional", "items": ["p10"]},
        "GAD": {"label": "generalised anxiety or panic", "kind": "emotional", "items": ["p03", "p05", "p06"]},
        "SOC": {"label": "social anxiety", "kind": "emotional", "items": ["p02"]},
        "OCD": {"label": "OCD", "kind": "emotional", "items": ["p04"]},
        "PTSD": {"label": "PTSD", "kind": "emotional", "items": ["p19"]},
        "ADHD": {"label": "ADHD", "kind": "behavioural", "items": ["p14"]},
        "CONDUCT": {"label": "behaviour or conduct", "kind": "behavioural", "items": ["p15", "p17"]},
    },
    "rules": {
        "R01": {"item": "p12", "grouping": "GMH02"},
        "R02": {"item": "p11", "grouping": "GMH03"},
        "R03": {"item": "p20", "grouping": "GMH01"},
        "R04": {
            "severe_at_least": 3,
            "raised_at_least": 3,
            "raised_with_severe_at_least": 1,
            "grouping": "GMH04",
        },
        "R05": {
            "grouping_by_domain": {
                "DEP": "GH03",
                "SH": "GH07",
                "GAD": "GH04",
                "SOC": "GH08",
                "OCD": "GH05",
                "PTSD": "GH06",
                "ADHD": "GH01",
                "CONDUCT": "GH02",
            }
        },
        "R06": {"grouping": "GH10"},
        "R07": {"domains": ["SH", "DEP"], "grouping": "GH07"},
        "R08": {"emotional_at_least": 2, "grouping": "GH09"},
        "R09": {"domains": ["ADHD", "CONDUCT"], "grouping": "GH01"},
        "R10": {"item": "p28", "unless_yes": "c35", "grouping": "GA02"},
        "R11": {
            "items": [
                "p01",
                "p07",
                "p08",
                "p13",
                "p16",
                "p18",
                "p21",
                "p22",
                "p23",
                "p24",
                "p25",
                "p26",
                "p27",
                "p28",
                "p29",
                "p30",
            ],
            "grouping": "GH11",
        },
        "R12": {"grouping": "GA01"},
    },
    "flags": {
        "attendance": [{"item": "e49", "at_least": 2}],
        "risk": [
            {"item": "p10", "at_least": 3},
            {"item": "p16", "at_least": 3},
            {"item": "c37", "at_least": 1},
        ],
    },
}


def _fields(value: Any, path: str, keys: Sequence[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{path}: expected an object, got {type(value).__name__}")
    missing = [k for k in keys if k not in value]
    unknown = [str(k) for k in value if k not in keys]
    if missing:
        raise ValueError(f"{path}: missing key(s) {', '.join(missing)}")
    if unknown:
        raise ValueError(f"{path}: unknown key(s) {', '.join(unknown)}")
    return value


def _int(value: Any, path: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{path}: expected a whole number from {low} to {high}, got {value!r}")
    return value


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise ValueError(f"{path}: expected a non-empty text without surrounding spaces, got {value!r}")
    return value


def _item(value: Any, path: str, section: str | None = None) -> str:
    if not isinstance(value, str) or value not in ITEMS_BY_ID:
        raise ValueError(f"{path}: unknown item id {value!r}")
    if section is not None and ITEMS_BY_ID[value].section != section:
        raise ValueError(f"{path}: {value} is not a {section} item")
    return value


def _list(value: Any, path: str) -> list[str]:
    if not isinstance(value, list | tuple) or not value or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{path}: expected a non-empty list of texts, got {value!r}")
    if len(set(value)) != len(value):
        raise ValueError(f"{path}: duplicated entries in {list(value)!r}")
    return list(value)


def _items(value: Any, path: str) -> tuple[str, ...]:
    return tuple(_item(v, f"{path}[{n}]", "problem") for n, v in enumerate(_list(value, path)))


def _domain(name: str, value: Any, path: str) -> Domain:
    fields = _fields(value, path, ("label", "kind", "items"))
    if fields["kind"] not in ("emotional", "behavioural"):
        raise ValueError(f"{path}.kind: expected 'emotional' or 'behavioural', got {fields['kind']!r}")
    return Domain(
        _text(name, path),
        _text(fields["label"], f"{path}.label"),
        fields["kind"],
        _items(fields["items"], f"{path}.items"),
    )


def _thresholds(value: Any, path: str) -> tuple[Threshold, ...]:
    if not isinstance(value, list | tuple):
        raise ValueError(f"{path}: expected a list, got {value!r}")
    found = []
    for n, entry in enumerate(value):
        fields = _fields(entry, f"{path}[{n}]", ("item", "at_least"))
        item = _item(fields["item"], f"{path}[{n}].item")
        found.append(
            Threshold(
                item,
                _int(
                    fields["at_least"], f"{path}[{n}].at_least", 1, MAX_CODE[ITEMS_BY_ID[item].response_scale]
                ),
            )
        )
    return tuple(found)


def _domain_names(value: Any, path: str, domains: Mapping[str, Domain]) -> tuple[str, ...]:
    names = tuple(_list(value, path))
    unknown = [n for n in names if n not in domains]
    if unknown:
        raise ValueError(f"{path}: unknown domain(s) {unknown!r}")
    return names


def ruleset_from_definition(version: str, definition: Mapping[str, Any]) -> RuleSet:
    """Build and validate a RuleSet from its JSON definition; raises ValueError naming the faulty key."""
    try:
        return _ruleset(_text(version, "version"), definition)
    except ValueError as error:
        raise ValueError(f"rules version {version!r}: {error}") from None


def _ruleset(version: str, definition: Mapping[str, Any]) -> RuleSet:
    top = _fields(
        definition,
        "definition",
        ("high_at_least", "severe_at_least", "insufficient_not_known_at_least", "domains", "rules", "flags"),
    )
    if not isinstance(top["domains"], Mapping) or not top["domains"]:
        raise ValueError("domains: expected a non-empty object of domain name -> {label, kind, items}")
    domains = {name: _domain(name, d, f"domains.{name}") for name, d in top["domains"].items()}
    rules = _fields(top["rules"], "rules", RULE_IDS)

    def rule(rule_id: str, keys: Sequence[str]) -> Mapping[str, Any]:
        return _fields(rules[rule_id], f"rules.{rule_id}", keys)

    def grouping(rule_id: str) -> str:
        return _text(rules[rule_id]["grouping"], f"rules.{rule_id}.grouping")

    def item_rule(rule_id: str) -> ItemRule:
        fields = rule(rule_id, ("item", "grouping"))
        return ItemRule(_item(fields["item"], f"rules.{rule_id}.item", "problem"), grouping(rule_id))

    r01, r02, r03 = item_rule("R01"), item_rule("R02"), item_rule("R03")
    r04 = rule("R04", ("severe_at_least", "raised_at_least", "raised_with_severe_at_least", "grouping"))
    by_domain = _fields(
        rule("R05", ("grouping_by_domain",))["grouping_by_domain"],
        "rules.R05.grouping_by_domain",
        tuple(domains),
    )
    r07, r09 = rule("R07", ("domains", "grouping")), rule("R09", ("domains", "grouping"))
    r08 = rule("R08", ("emotional_at_least", "grouping"))
    r10 = rule("R10", ("item", "unless_yes", "grouping"))
    r11 = rule("R11", ("items", "grouping"))
    for rule_id in ("R06", "R12"):
        rule(rule_id, ("grouping",))
    flags = _fields(top["flags"], "flags", ("attendance", "risk"))
    return RuleSet(
        version=version,
        high_at_least=_int(top["high_at_least"], "high_at_least", 1, 3),
        severe_at_least=_int(top["severe_at_least"], "severe_at_least", 1, 3),
        insufficient_not_known_at_least=_int(
            top["insufficient_not_known_at_least"], "insufficient_not_known_at_least", 1, len(PROBLEM_ITEMS)
        ),
        domains=tuple(domains.values()),
        r01=r01,
        r02=r02,
        r03=r03,
        r04=SevereImpactRule(
            _int(r04["severe_at_least"], "rules.R04.severe_at_least", 1, len(PROBLEM_ITEMS)),
            _int(r04["raised_at_least"], "rules.R04.raised_at_least", 1, len(domains)),
            _int(
                r04["raised_with_severe_at_least"],
                "rules.R04.raised_with_severe_at_least",
                0,
                len(PROBLEM_ITEMS),
            ),
            grouping("R04"),
        ),
        r05_grouping_by_domain=tuple(
            (name, _text(by_domain[name], f"rules.R05.grouping_by_domain.{name}")) for name in domains
        ),
        r06_grouping=grouping("R06"),
        r07=ExactDomainsRule(_domain_names(r07["domains"], "rules.R07.domains", domains), grouping("R07")),
        r08_emotional_at_least=_int(
            r08["emotional_at_least"], "rules.R08.emotional_at_least", 1, len(domains)
        ),
        r08_grouping=grouping("R08"),
        r09=ExactDomainsRule(_domain_names(r09["domains"], "rules.R09.domains", domains), grouping("R09")),
        r10=AssessmentRule(
            _item(r10["item"], "rules.R10.item", "problem"),
            _item(r10["unless_yes"], "rules.R10.unless_yes", "complexity"),
            grouping("R10"),
        ),
        r11=AnyItemRule(_items(r11["items"], "rules.R11.items"), grouping("R11")),
        r12_grouping=grouping("R12"),
        attendance_flag=_thresholds(flags["attendance"], "flags.attendance"),
        risk_flag=_thresholds(flags["risk"], "flags.risk"),
    )


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
