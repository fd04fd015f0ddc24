"""Form widgets drawn in Python where Django's templates cost too much.

Django draws a <select> through a template per option: a filter of a few hundred clinicians costs tens of
milliseconds per page. `PlainSelect` writes the same HTML (name, attributes, option groups, selected options,
everything escaped) in one pass.
"""

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class PlainSelect(forms.Select):
    """A <select> as Django's Select draws it, without a template per option."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            drawn = format_html_join(
                "",
                "<option{}>{}</option>",
                (
                    (flatatt({"value": option["value"], **option["attrs"]}), option["label"])
                    for option in options
                ),
            )
            parts.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, drawn) if group_name else drawn
            )
        return format_html(
            "<select{}>{}</select>",
            flatatt({"name": widget["name"], **widget["attrs"]}),
            SafeString("".join(parts)),
        )
