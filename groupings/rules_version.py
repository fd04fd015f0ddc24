"""The parameters of a rules version (SPEC section 3): a declared schema, read from the stored JSON definition.

The shared parameters (thresholds, domains, flags) are declared here; each rule declares its own entry under
"rules" (or "add_on_rules") next to its condition in groupings/rule_table.py, and ruleset_schema puts them
together in table order. Every entry may also carry the conditions the published algorithm needs (SPEC
section 3, "What the published algorithm does differently"): an age band and item-versus-item comparisons.
"""

import copy
from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

from assessments.current_view_items import ITEMS_BY_ID, MAX_CODE, PROBLEM_ITEMS, Section

DomainKind = Literal["emotional", "behavioural"]
Problem = tuple[tuple[str | int, ...], str]


def _text(value: str) -> str:
    if not value.strip() or value != value.strip():
        raise ValueError(f"expected a non-empty text without surrounding spaces, got {value!r}")
    return value


def _item_in(section: Section | None) -> AfterValidator:
    def check(value: str) -> str:
        if value not in ITEMS_BY_ID:
            raise ValueError(f"unknown item id {value!r}")
        if section is not None and ITEMS_BY_ID[value].section != section:
            raise ValueError(f"{value} is not a {section} item")
        return value

    return AfterValidator(check)


def _distinct(values: tuple[str, ...]) -> tuple[str, ...]:
    if len(set(values)) != len(values):
        raise ValueError(f"duplicated entries in {list(values)!r}")
    return values


def _distinct_comparisons(values: tuple[Any, ...]) -> tuple[Any, ...]:
    if len(set(values)) != len(values):
        raise ValueError("duplicated comparisons")
    return values


MAX_AGE = 120
Text = Annotated[StrictStr, AfterValidator(_text)]
ItemId = Annotated[StrictStr, _item_in(None)]
ProblemItem = Annotated[StrictStr, _item_in("problem")]
ComplexityItem = Annotated[StrictStr, _item_in("complexity")]
ProblemItems = Annotated[tuple[ProblemItem, ...], Field(min_length=1), AfterValidator(_distinct)]
DomainNames = Annotated[tuple[Text, ...], Field(min_length=1), AfterValidator(_distinct)]
Rating = Annotated[StrictInt, Field(ge=1, le=3)]
ProblemCount = Annotated[StrictInt, Field(ge=0, le=len(PROBLEM_ITEMS))]


class Params(BaseModel):
    """A part of a rules definition: unknown keys are refused, and the parsed value never changes."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Domain(Params):
    """A problem area (e.g. DEP = p09) that is *raised* when any of its items is rated high."""

    label: Text
    kind: DomainKind
    items: ProblemItems


class Threshold(Params):
    """A flag condition: the item's stored code is at least this value (Not known never counts)."""

    item: ItemId
    at_least: StrictInt

    @field_validator("at_least")
    @classmethod
    def _within_the_items_scale(cls, value: int, info: ValidationInfo) -> int:
        item = info.data.get("item")
        top = MAX_CODE[ITEMS_BY_ID[item].response_scale] if item else max(MAX_CODE.values())
        if not 1 <= value <= top:
            raise ValueError(f"expected a whole number from 1 to {top}, got {value!r}")
        return value


class Flags(Params):
    """Shown beside the suggestion, never changing it (SPEC section 3): any threshold met raises the flag."""

    attendance: tuple[Threshold, ...]
    risk: tuple[Threshold, ...]


class AgeBand(Params):
    """The child's age in completed years at the Current View's date, inclusive; a rule with an age band
    never fires when the age is not known."""

    min: Annotated[StrictInt, Field(ge=0, le=MAX_AGE)] | None = None
    max: Annotated[StrictInt, Field(ge=0, le=MAX_AGE)] | None = None

    @model_validator(mode="after")
    def _a_band(self) -> Self:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both (years of age, inclusive)")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is above max ({self.max})")
        return self

    def words(self) -> str:
        if self.max is None:
            return f"{self.min} or older"
        if self.min is None:
            return f"{self.max} or younger"
        return f"aged {self.min} to {self.max}"


class Comparison(Params):
    """Item-versus-item: the `lower` problem is rated lower than the `than` problem; Not known on either side
    never satisfies it."""

    lower: ProblemItem
    than: ProblemItem

    @model_validator(mode="after")
    def _two_items(self) -> Self:
        if self.lower == self.than:
            raise ValueError(f"compares {self.lower} with itself")
        return self


class RuleParams(Params):
    """The parameters one rule reads: its entry under "rules" in a definition, with optional conditions that
    must hold too for the rule to fire."""

    age: AgeBand | None = None
    comparisons: Annotated[tuple[Comparison, ...], AfterValidator(_distinct_comparisons)] = ()

    @property
    def has_conditions(self) -> bool:
        return self.age is not None or bool(self.comparisons)

    def grouping_codes(self) -> frozenset[str]:
        raise NotImplementedError

    def problems(self, domains: Mapping[str, Domain]) -> Iterator[Problem]:
        """Faults only the version's domains reveal, as (key path inside this entry, message)."""
        return iter(())


class Suggests(RuleParams):
    """A rule that suggests one grouping wherever it matches."""

    grouping: Text

    def grouping_codes(self) -> frozenset[str]:
        return frozenset({self.grouping})


class RuleEntries(Params):
    """The "rules" object: one entry per rule id, in table order (fields added by ruleset_schema); an optional
    rule's entry may be left out (or null), and then the rule is not part of the version."""


class AddOnEntries(Params):
    """The "add_on_rules" object: optional entries, in table order; the first that fires adds its grouping
    beside the primary one (fields added by ruleset_schema)."""


class RuleSet(Params):
    """The parameters of one rules version, of either kind: a TableRuleSet (the rule table's parameters) or a
    PathRuleSet (groupings/path_rules.py: the paths of a published tree). Build it with
    ruleset_from_definition. Both check Not known before any rule and carry the flags."""

    version: Text = Field(exclude=True)
    insufficient_not_known_at_least: Annotated[StrictInt, Field(ge=1, le=len(PROBLEM_ITEMS))]
    flags: Flags

    def rule_params(self) -> dict[str, RuleParams]:
        """The parameters of each rule of the rule table this version uses, by rule id (none for paths)."""
        return {}

    def add_on_params(self) -> dict[str, RuleParams]:
        """The parameters of each add-on rule of this version by rule id, in table order (none for paths)."""
        return {}

    @property
    def reads_age(self) -> bool:
        """Whether any rule of this version has an age band (only then does a caller need the ages)."""
        return any(
            params.age is not None
            for params in (*self.rule_params().values(), *self.add_on_params().values())
        )

    def grouping_codes(self) -> frozenset[str]:
        """Every grouping code the rules can suggest, add-ons included (to check against the catalogue)."""
        every = [*self.rule_params().values(), *self.add_on_params().values()]
        return frozenset().union(*(params.grouping_codes() for params in every))

    def catalogue_faults(self, suggestible: Mapping[str, bool]) -> list[str]:
        """What is wrong between these rules and a catalogue (grouping code -> suggestible): groupings the rules
        suggest that the catalogue lacks or marks as never suggested."""
        codes = self.grouping_codes()
        faults = []
        if missing := sorted(codes - suggestible.keys()):
            faults.append(f"the rules name groupings missing from the catalogue: {', '.join(missing)}")
        if never := sorted(code for code in codes & suggestible.keys() if not suggestible[code]):
            faults.append(f"the rules suggest groupings marked never suggested: {', '.join(never)}")
        return faults

    def to_definition(self) -> dict[str, Any]:
        """The JSON-serialisable definition this RuleSet was built from (without the version label); optional
        parts left out stay left out."""
        return self.model_dump(mode="json", exclude_defaults=True)


class TableRuleSet(RuleSet):
    """The parameters of a rules version that the rule table (groupings/rule_table.py) reads."""

    high_at_least: Rating
    severe_at_least: Rating
    domains: Annotated[dict[Text, Domain], Field(min_length=1)]
    rules: RuleEntries
    add_on_rules: AddOnEntries = AddOnEntries()

    @model_validator(mode="after")
    def _rules_fit_the_domains(self) -> Self:
        faults = [
            InitErrorDetails(
                type=PydanticCustomError("rules_version", "{message}", {"message": message}),
                loc=(key, rule_id, *path),
                input=params,
            )
            for key, entries in (("rules", self.rule_params()), ("add_on_rules", self.add_on_params()))
            for rule_id, params in entries.items()
            for path, message in params.problems(self.domains)
        ]
        if faults:
            raise ValidationError.from_exception_data(type(self).__name__, faults)
        return self

    def rule_params(self) -> dict[str, RuleParams]:
        """The parameters of each rule of this version by rule id, in table order (optional rules left out
        of the version are not listed)."""
        return _entries(self.rules)

    def add_on_params(self) -> dict[str, RuleParams]:
        """The parameters of each add-on rule of this version by rule id, in table order."""
        return _entries(self.add_on_rules)


def _entries(entries: Params) -> dict[str, RuleParams]:
    found = ((rule_id, getattr(entries, rule_id)) for rule_id in type(entries).model_fields)
    return {rule_id: params for rule_id, params in found if params is not None}


def ruleset_schema(
    rule_params: Mapping[str, tuple[type[RuleParams], bool]],
    add_on_params: Mapping[str, type[RuleParams]] | None = None,
) -> type[TableRuleSet]:
    """The TableRuleSet model of a rule table: one entry under "rules" per rule id (rule id -> (parameter model,
    optional)), required unless optional, and one optional entry under "add_on_rules" per add-on rule id."""
    fields: dict[str, Any] = {
        rule_id: ((params | None, None) if optional else (params, ...))
        for rule_id, (params, optional) in rule_params.items()
    }
    entries = create_model("RuleEntries", __base__=RuleEntries, **fields)
    add_on_fields: dict[str, Any] = {
        rule_id: (params | None, None) for rule_id, params in (add_on_params or {}).items()
    }
    add_ons = create_model("AddOnEntries", __base__=AddOnEntries, **add_on_fields)
    schema: type[TableRuleSet] = create_model(
        "RuleSet", __base__=TableRuleSet, rules=(entries, ...), add_on_rules=(add_ons, add_ons())
    )
    return schema


def validated_ruleset(schema: type[RuleSet], version: str, definition: Mapping[str, Any]) -> RuleSet:
    """Build and validate a RuleSet from its JSON definition; raises ValueError naming the faulty key path."""
    try:
        if not isinstance(definition, Mapping):
            raise ValueError(f"definition: expected an object, got {type(definition).__name__}")
        if "version" in definition:
            raise ValueError("definition: unknown key(s) version")
        try:
            return schema.model_validate({"version": version, **definition})
        except ValidationError as error:
            raise ValueError(_described(error.errors(include_url=False))) from None
    except ValueError as error:
        raise ValueError(f"rules version {version!r}: {error}") from None


def _described(errors: list[ErrorDetails]) -> str:
    keys: dict[tuple[str, str], list[str]] = {}
    lines: list[str] = []
    for error in errors:
        loc = error["loc"]
        if error["type"] in ("missing", "extra_forbidden") and loc:
            kind = "missing" if error["type"] == "missing" else "unknown"
            keys.setdefault((_path(loc[:-1]), kind), []).append(str(loc[-1]))
        elif loc and loc[-1] == "[key]":
            lines.append(f"{_path(loc[:-2])}: key {loc[-2]!r}: {_message(error)}")
        else:
            lines.append(f"{_path(loc)}: {_message(error)}")
    lines += [f"{path}: {kind} key(s) {', '.join(names)}" for (path, kind), names in keys.items()]
    return "; ".join(lines)


def _message(error: ErrorDetails) -> str:
    if error["type"] == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    if error["type"] == "rules_version":
        return error["msg"]
    return f"{error['msg']}, got {error['input']!r}"


def _path(loc: tuple[str | int, ...]) -> str:
    """("domains", "DEP", "items", 1) -> "domains.DEP.items[1]"; the top level is "definition"."""
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
    return path or "definition"


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


def _demo_v2() -> dict[str, Any]:
    definition = copy.deepcopy(V1_DEFINITION)
    rules = definition["rules"]
    # An age band: eating disorders from 8; a younger child's eating issues fall to "not covered elsewhere".
    rules["R03"]["age"] = {"min": 8}
    rules["R11"]["items"].append("p20")
    # Item versus item: OCD when compulsions are rated high and self-harm lower than them, even beside other
    # raised areas (after the severe-impact rule, before the domain rules).
    rules["R04A"] = {"item": "p04", "comparisons": [{"lower": "p10", "than": "p04"}], "grouping": "GH05"}
    # An add-on: the neurodevelopmental assessment beside whatever the primary rules suggest.
    definition["add_on_rules"] = {"A01": copy.deepcopy(rules["R10"])}
    return definition


# A DEMO, not the published algorithm: "Appendix C: Algorithm (Corrected)" (2016) could not be read beyond its
# first page (SPEC section 3), so these conditions are ours. They use each construct the published algorithm
# needs once (an age band, an item-versus-item comparison, an add-on grouping; its never-suggested grouping
# is in the catalogue, groupings/reference.py), so the published table can be entered the same way when
# obtained.
DEMO_V2_DEFINITION: dict[str, Any] = _demo_v2()
