import functools

from groupings.rules import V1_DEFINITION, RuleSet, ruleset_from_definition


@functools.cache
def v1_rules() -> RuleSet:
    return ruleset_from_definition("CAMHS-NBG v1", V1_DEFINITION)
