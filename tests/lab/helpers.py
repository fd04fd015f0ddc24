import functools

from groupings.rules import V1_DEFINITION, RuleSet, ruleset_from_definition
from lab.methods import FitResult


@functools.cache
def v1_rules() -> RuleSet:
    return ruleset_from_definition("CAMHS-NBG v1", V1_DEFINITION)


def score(result: FitResult, name: str) -> float:
    """A score the test expects to be defined."""
    value = result.scores[name]
    assert value is not None, f"{name} is undefined"
    return value
