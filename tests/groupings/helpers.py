from groupings.current_view_items import ITEMS


def ratings(**given) -> dict[str, int | None]:
    """A complete Current View: every item None/No (0) unless given (None in `given` means Not known)."""
    return {item.id: given.get(item.id, 0) for item in ITEMS}
