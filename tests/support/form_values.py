"""What a browser would submit from a page's form, as it was rendered: to post a form back unchanged."""

from html.parser import HTMLParser


class _FormValues(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        name = attributes.get("name", "")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in attributes:
                    self.values[name] = attributes.get("value", "on")
            elif kind not in ("submit", "button"):
                self.values[name] = attributes.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attributes:
            self.values[self._select] = attributes.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def form_values(html: str) -> dict[str, str]:
    """Every named field of the page with the value it shows (unchecked radios and checkboxes left out)."""
    parser = _FormValues()
    parser.feed(html)
    values = parser.values
    values.pop("csrfmiddlewaretoken", None)
    return values
