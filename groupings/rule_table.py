"""The suggestion rules R01-R12 (SPEC section 3), one entry each in one ordered table; first match wins.

A rule is its id, the parameters it reads (its entry under "rules" in a rules version), a vectorised mask of
the Current Views it matches, the grouping it suggests there and its reason in plain words. Adding a rule is
one entry in RULE_TABLE, its parameter model and its test. A rule added after v1 is *optional*: a version
that leaves its entry out (v1 does) runs without it. ADD_ON_TABLE holds the rules that suggest a grouping
beside the primary one instead of in its place (the published algorithm's neurodevelopmental assessment).

Every entry may also carry an age band and item-versus-item comparisons (rules_version.RuleParams): the
engine ANDs them with the rule's own mask, whatever the rule.
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import numpy as np
from pydantic import Field, StrictInt

from assessments.current_view_items import ALL_ITEMS, ITEMS_BY_ID, PROBLEM_ITEMS, SEVERITY_RESPONSES
from groupings.rules_version import (
    Comparison,
    ComplexityItem,
    Domain,
    DomainNames,
    Problem,
    ProblemCount,
    ProblemItem,
    ProblemItems,
    RuleParams,
    Suggests,
    TableRuleSet,
    Text,
)

_POSITION = {item: n for n, item in enumerate(ALL_ITEMS)}
_PROBLEM_ROW = {item: n for n, item in enumerate(PROBLEM_ITEMS)}


def _positions(items: Sequence[str]) -> slice | list[int]:
    """Where the items are in ALL_ITEMS: a slice when adjacent (indexing gives a view, not a copy)."""
    positions = [_POSITION[item] for item in items]
    if positions == list(range(positions[0], positions[-1] + 1)):
        return slice(positions[0], positions[-1] + 1)
    return positions


_PROBLEM_POSITIONS = _positions(PROBLEM_ITEMS)
NOT_KNOWN_CODE = -1


@dataclass(frozen=True)
class RuleOutcome:
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
    age: int | None = None
    add_on_grouping: str | None = None
    add_on_rule: str | None = None


@dataclass(frozen=True, eq=False)
class Facts:
    """What the rules read, computed once for a batch: one column per Current View (SPEC section 3)."""

    codes: np.ndarray  # items x rows int8 in ALL_ITEMS order, NOT_KNOWN_CODE for Not known
    high: np.ndarray  # problems x rows: hi(i)
    severe_count: np.ndarray
    not_known_count: np.ndarray
    domains: tuple[str, ...]
    raised: np.ndarray  # domains x rows
    raised_count: np.ndarray
    emotional_count: np.ndarray
    behavioural_count: np.ndarray
    age: np.ndarray  # int16 completed years at the Current View's date, NOT_KNOWN_CODE when not known

    @classmethod
    def of(cls, codes: np.ndarray, rules: TableRuleSet, age: np.ndarray | None = None) -> "Facts":
        """The facts of valid int8 codes (items x rows) and ages under a rules version's thresholds."""
        problems = codes[_PROBLEM_POSITIONS]
        # SPEC section 3: sev(i) counts Not known as 0; NOT_KNOWN_CODE is below every threshold already.
        high = problems >= rules.high_at_least
        raised = np.zeros((len(rules.domains), codes.shape[1]), dtype=bool)
        for n, domain in enumerate(rules.domains.values()):
            raised[n] = high[[_PROBLEM_ROW[item] for item in domain.items]].any(axis=0)
        kinds = np.array([domain.kind for domain in rules.domains.values()])
        return cls(
            codes=codes,
            high=high,
            severe_count=np.count_nonzero(problems >= rules.severe_at_least, axis=0),
            not_known_count=np.count_nonzero(problems == NOT_KNOWN_CODE, axis=0),
            domains=tuple(rules.domains),
            raised=raised,
            raised_count=raised.sum(axis=0),
            emotional_count=raised[kinds == "emotional"].sum(axis=0),
            behavioural_count=raised[kinds == "behavioural"].sum(axis=0),
            age=np.full(codes.shape[1], NOT_KNOWN_CODE, dtype=np.int16) if age is None else age,
        )

    @property
    def rows(self) -> int:
        return int(self.codes.shape[1])

    def code(self, item: str) -> np.ndarray:
        return self.codes[_POSITION[item]]

    def any_high(self, items: Sequence[str]) -> np.ndarray:
        return np.logical_or.reduce(self.high[[_PROBLEM_ROW[item] for item in items]], axis=0)

    def raised_exactly(self, names: Sequence[str]) -> np.ndarray:
        wanted = [self.domains.index(name) for name in names]
        return (self.raised_count == len(wanted)) & self.raised[wanted].all(axis=0)

    def raised_domains(self, row: int) -> tuple[str, ...]:
        return tuple(name for name, up in zip(self.domains, self.raised[:, row], strict=True) if up)

    def high_items(self, row: int) -> tuple[str, ...]:
        return tuple(PROBLEM_ITEMS[n] for n in np.flatnonzero(self.high[:, row]))


P = TypeVar("P", bound=RuleParams)


@dataclass(frozen=True)
class Rule(Generic[P]):
    """One suggestion rule. `grouping` gives the grouping of the rows where it fired: one code for them all
    or one per row; `explain` gives the reason after "<id>: " for a clinician."""

    id: str
    params: type[P]
    mask: Callable[["Facts", P], np.ndarray]
    grouping: Callable[["Facts", P, np.ndarray], str | np.ndarray]
    explain: Callable[[P, RuleOutcome, TableRuleSet], str]
    optional: bool = False

    def matches(self, facts: Facts, params: P) -> np.ndarray:
        """Where the rule fires: its own mask and the entry's conditions (age band, comparisons)."""
        mask = self.mask(facts, params)
        return mask & conditions_met(facts, params) if params.has_conditions else mask

    def reason(self, params: P, outcome: RuleOutcome, rules: TableRuleSet) -> str:
        """The reason in plain words, the entry's conditions included."""
        words = self.explain(params, outcome, rules)
        conditions = condition_words(params, outcome)
        return f"{words.removesuffix('.')}, and {conditions}." if conditions else words


def conditions_met(facts: Facts, params: RuleParams) -> np.ndarray:
    """The rows where an entry's age band and comparisons all hold; an unknown age or a Not known rating
    never satisfies them (SPEC section 3, published algorithm)."""
    met = np.ones(facts.rows, dtype=bool)
    if params.age is not None:
        met &= facts.age != NOT_KNOWN_CODE
        if params.age.min is not None:
            met &= facts.age >= params.age.min
        if params.age.max is not None:
            met &= facts.age <= params.age.max
    for comparison in params.comparisons:
        lower, than = facts.code(comparison.lower), facts.code(comparison.than)
        met &= (lower != NOT_KNOWN_CODE) & (lower < than)  # than > lower >= 0 is known
    return met


def condition_words(params: RuleParams, outcome: RuleOutcome) -> str:
    words = [f"the child is {params.age.words()} (here {outcome.age})"] if params.age is not None else []
    words += [_comparison_words(comparison) for comparison in params.comparisons]
    return " and ".join(words)


def _comparison_words(comparison: Comparison) -> str:
    return f"{item_words([comparison.lower])} is rated lower than {item_words([comparison.than])}"


def its_grouping(facts: Facts, params: Suggests, fired: np.ndarray) -> str:
    """The grouping of a rule that suggests one grouping wherever it matches."""
    return params.grouping


def rated_high(rules: TableRuleSet) -> str:
    words = [
        word for word, code in SEVERITY_RESPONSES.items() if code is not None and code >= rules.high_at_least
    ]
    return "rated " + (", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0])


def item_words(items: Sequence[str]) -> str:
    return ", ".join(f"'{ITEMS_BY_ID[item].name}' ({item})" for item in items)


def areas(names: Sequence[str], rules: TableRuleSet) -> str:
    return ", ".join(rules.domains[name].label for name in names)


def _within_domain_count(params: RuleParams, key: str, domains: Mapping[str, Domain]) -> Iterator[Problem]:
    value = getattr(params, key)
    if value > len(domains):
        yield (key,), f"expected a whole number from 1 to {len(domains)} (the number of domains), got {value}"


def _known_domains(names: Sequence[str], domains: Mapping[str, Domain]) -> Iterator[Problem]:
    unknown = [name for name in names if name not in domains]
    if unknown:
        yield ("domains",), f"unknown domain(s) {unknown!r}"


# R01-R03: one problem rated high.


class ItemParams(Suggests):
    item: ProblemItem


def _item_high(facts: Facts, params: ItemParams) -> np.ndarray:
    return facts.any_high([params.item])


def _explain_item_high(params: ItemParams, outcome: RuleOutcome, rules: TableRuleSet) -> str:
    return f"{item_words([params.item])} is {rated_high(rules)}."


# R04: difficulties of severe impact.


class SevereImpactParams(Suggests):
    severe_at_least: Annotated[StrictInt, Field(ge=1, le=len(PROBLEM_ITEMS))]
    raised_at_least: Annotated[StrictInt, Field(ge=1)]
    raised_with_severe_at_least: ProblemCount

    def problems(self, domains: Mapping[str, Domain]) -> Iterator[Problem]:
        return _within_domain_count(self, "raised_at_least", domains)


def _severe_impact(facts: Facts, params: SevereImpactParams) -> np.ndarray:
    return (facts.severe_count >= params.severe_at_least) | (
        (facts.raised_count >= params.raised_at_least)
        & (facts.severe_count >= params.raised_with_severe_at_least)
    )


def _explain_severe_impact(params: SevereImpactParams, outcome: RuleOutcome, rules: TableRuleSet) -> str:
    rated = rated_high(rules)
    return (
        f"difficulties of severe impact: {params.severe_at_least} or more problem descriptions are "
        f"rated Severe, or {params.raised_at_least} or more problem areas are {rated} with at least "
        f"{params.raised_with_severe_at_least} rated Severe (here {outcome.severe_count} rated Severe; "
        f"problem areas {rated}: {areas(outcome.raised_domains, rules) or 'none'})."
    )


# R05: exactly one domain raised suggests that domain's grouping.


class OneDomainParams(RuleParams):
    grouping_by_domain: dict[Text, Text]

    def grouping_codes(self) -> frozenset[str]:
        return frozenset(self.grouping_by_domain.values())

    def problems(self, domains: Mapping[str, Domain]) -> Iterator[Problem]:
        missing = [name for name in domains if name not in self.grouping_by_domain]
        unknown = [name for name in self.grouping_by_domain if name not in domains]
        if missing:
            yield ("grouping_by_domain",), f"missing key(s) {', '.join(missing)}"
        if unknown:
            yield ("grouping_by_domain",), f"unknown key(s) {', '.join(unknown)}"


def _one_domain(facts: Facts, params: OneDomainParams) -> np.ndarray:
    return facts.raised_count == 1


def _grouping_of_the_domain(facts: Facts, params: OneDomainParams, fired: np.ndarray) -> np.ndarray:
    by_domain = np.array([params.grouping_by_domain[name] for name in facts.domains], dtype=object)
    return by_domain[facts.raised[:, fired].argmax(axis=0)]


def _explain_one_domain(params: OneDomainParams, outcome: RuleOutcome, rules: TableRuleSet) -> str:
    return f"exactly one problem area is {rated_high(rules)} ({areas(outcome.raised_domains, rules)})."


# R06: an emotional and a behavioural domain raised.


def _emotional_and_behavioural(facts: Facts, params: Suggests) -> np.ndarray:
    return (facts.emotional_count > 0) & (facts.behavioural_count > 0)


def _explain_emotional_and_behavioural(params: Suggests, outcome: RuleOutcome, rules: TableRuleSet) -> str:
    def of_kind(kind: str) -> str:
        return areas([name for name in outcome.raised_domains if rules.domains[name].kind == kind], rules)

    return (
        f"both emotional ({of_kind('emotional')}) and behavioural ({of_kind('behavioural')}) "
        f"problem areas are {rated_high(rules)}."
    )


# R07, R09: the raised domains are exactly these.


class ExactDomainsParams(Suggests):
    domains: DomainNames

    def problems(self, domains: Mapping[str, Domain]) -> Iterator[Problem]:
        return _known_domains(self.domains, domains)


def _exactly_these_domains(facts: Facts, params: ExactDomainsParams) -> np.ndarray:
    return facts.raised_exactly(params.domains)


def _explain_exactly_these_domains(
    params: ExactDomainsParams, outcome: RuleOutcome, rules: TableRuleSet
) -> str:
    words = [rules.domains[name].label for name in params.domains]
    exactly = ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]
    return f"the problem areas {rated_high(rules)} are exactly {exactly}."


# R08: two or more emotional domains raised.


class EmotionalParams(Suggests):
    emotional_at_least: Annotated[StrictInt, Field(ge=1)]

    def problems(self, domains: Mapping[str, Domain]) -> Iterator[Problem]:
        return _within_domain_count(self, "emotional_at_least", domains)


def _emotional(facts: Facts, params: EmotionalParams) -> np.ndarray:
    return facts.emotional_count >= params.emotional_at_least


def _explain_emotional(params: EmotionalParams, outcome: RuleOutcome, rules: TableRuleSet) -> str:
    return (
        f"{params.emotional_at_least} or more emotional problem areas are {rated_high(rules)} "
        f"({areas(outcome.raised_domains, rules)})."
    )


# R10: a problem rated high and a complexity factor not answered Yes.


class AssessmentParams(Suggests):
    item: ProblemItem
    unless_yes: ComplexityItem


def _assessment(facts: Facts, params: AssessmentParams) -> np.ndarray:
    return facts.any_high([params.item]) & (facts.code(params.unless_yes) != 1)


def _explain_assessment(params: AssessmentParams, outcome: RuleOutcome, rules: TableRuleSet) -> str:
    blocker = item_words([params.unless_yes])
    return f"{item_words([params.item])} is {rated_high(rules)} and {blocker} is not answered Yes."


# R11: any of these problems rated high.


class AnyItemParams(Suggests):
    items: ProblemItems


def _any_item_high(facts: Facts, params: AnyItemParams) -> np.ndarray:
    return facts.any_high(params.items)


def _explain_any_item_high(params: AnyItemParams, outcome: RuleOutcome, rules: TableRuleSet) -> str:
    found = [item for item in outcome.high_items if item in params.items]
    return f"a problem not covered by the other groupings is {rated_high(rules)} ({item_words(found)})."


# R12: otherwise.


def _otherwise(facts: Facts, params: Suggests) -> np.ndarray:
    return np.ones(facts.rows, dtype=bool)


def _explain_otherwise(params: Suggests, outcome: RuleOutcome, rules: TableRuleSet) -> str:
    if outcome.high_items:
        return "no other rule applies, so the default grouping is suggested."
    return f"no problem description is {rated_high(rules)}, so the default grouping is suggested."


# SPEC section 3: ordered rules, first match wins (INSUFFICIENT is checked before all of them). R04A, added
# after v1 and optional, is one more "problem rated high" rule after the severe-impact rule: with a comparison
# it expresses the published algorithm's obsessive-compulsive rule (self-harm rated lower than compulsions).
RULE_TABLE: tuple[Rule[Any], ...] = (
    Rule("R01", ItemParams, _item_high, its_grouping, _explain_item_high),
    Rule("R02", ItemParams, _item_high, its_grouping, _explain_item_high),
    Rule("R03", ItemParams, _item_high, its_grouping, _explain_item_high),
    Rule("R04", SevereImpactParams, _severe_impact, its_grouping, _explain_severe_impact),
    Rule("R04A", ItemParams, _item_high, its_grouping, _explain_item_high, optional=True),
    Rule("R05", OneDomainParams, _one_domain, _grouping_of_the_domain, _explain_one_domain),
    Rule("R06", Suggests, _emotional_and_behavioural, its_grouping, _explain_emotional_and_behavioural),
    Rule("R07", ExactDomainsParams, _exactly_these_domains, its_grouping, _explain_exactly_these_domains),
    Rule("R08", EmotionalParams, _emotional, its_grouping, _explain_emotional),
    Rule("R09", ExactDomainsParams, _exactly_these_domains, its_grouping, _explain_exactly_these_domains),
    Rule("R10", AssessmentParams, _assessment, its_grouping, _explain_assessment),
    Rule("R11", AnyItemParams, _any_item_high, its_grouping, _explain_any_item_high),
    Rule("R12", Suggests, _otherwise, its_grouping, _explain_otherwise),
)

# Rules whose grouping is suggested beside the primary one (SPEC section 3, published algorithm: the
# neurodevelopmental assessment "can be suggested together with another grouping"); all optional, the first
# that fires wins, and an add-on equal to the primary grouping is not an add-on.
ADD_ON_TABLE: tuple[Rule[Any], ...] = (
    Rule("A01", AssessmentParams, _assessment, its_grouping, _explain_assessment, optional=True),
)
