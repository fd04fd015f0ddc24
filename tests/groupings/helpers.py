from assessments.current_view_items import ITEMS


def ratings(**given) -> dict[str, int | None]:
    """A complete Current View: every item None/No (0) unless given (None in `given` means Not known)."""
    return {item.id: given.get(item.id, 0) for item in ITEMS}


def copy_of_current_rules_version(label: str, **definition_changes):
    """A new rules version: the current rules version's catalogue and rules, with some rules parameters changed."""
    from groupings.models import RulesVersion

    current = RulesVersion.objects.get(is_current=True)
    copy = RulesVersion.objects.create(
        label=label, rules_definition={**current.rules_definition, **definition_changes}
    )
    for grouping in current.groupings.all():
        grouping.pk, grouping.rules_version = None, copy
        grouping.save()
    return copy
