"""Template filters for figures, built into every template (settings.TEMPLATES' `builtins`):
`{{ value|count }}`, `|money`, `|money_pence`, `|mean`, `|share`, `|percent`, `|ratio`, `|figure:kind`,
`|duration`."""

from django import template

from camhs_pbr.lib import numbers

register = template.Library()

register.filter("count", numbers.count)
register.filter("money", numbers.money)
register.filter("mean", numbers.mean)
register.filter("share", numbers.share)
register.filter("percent", numbers.percent)
register.filter("ratio", numbers.ratio)
register.filter("figure", numbers.figure)
register.filter("duration", numbers.duration)


@register.filter
def money_pence(value: object) -> str:
    return numbers.money(value, pence=True)
