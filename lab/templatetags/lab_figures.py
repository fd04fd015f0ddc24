from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def figure(value: float | None, places: int = 3) -> str:
    """A score to `places` decimals, or '–' where it does not apply or is undefined."""
    return "–" if value is None else floatformat(value, places)


@register.filter
def percent(value: float | None) -> str:
    return "–" if value is None else f"{floatformat(100 * value, 1)}%"
