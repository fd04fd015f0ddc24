"""The parameters of a rules version (SPEC section 3): thresholds, domains and groupings, read from data."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from assessments.current_view_items import ITEMS_BY_ID, MAX_CODE, PROBLEM_ITEMS

RULE_IDS: tuple[str, ...] = tuple(f"R{n:02d}" for n in range(1, 13))

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
