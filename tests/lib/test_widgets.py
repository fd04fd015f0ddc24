"""PlainSelect draws what Django's Select draws: the same options, groups, selection and escaping."""

from html.parser import HTMLParser

from django import forms

from camhs_pbr.lib.widgets import PlainSelect

CHOICES = [("", "All teams"), (1, "Tom & Jerry's <team>"), ("Older", [(2, 'Quote " here'), (3, "Three")])]


class Elements(HTMLParser):
    """The elements in order, each with its attributes as a set, and the text."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.found.append(("start", tag, frozenset(attrs)))

    def handle_endtag(self, tag):
        self.found.append(("end", tag))

    def handle_data(self, data):
        if data.strip():
            self.found.append(("text", data))


def parsed(html: str) -> list[tuple]:
    elements = Elements()
    elements.feed(html)
    return elements.found


def test_a_plain_select_parses_as_djangos_select_with_groups_selection_and_escaping():
    attrs = {"class": "form-select", "id": "id_team", "aria-describedby": "help"}
    for value in (None, 1, 2, "3"):
        django_html = forms.Select(attrs=attrs, choices=CHOICES).render("team", value)
        plain_html = PlainSelect(attrs=attrs, choices=CHOICES).render("team", value)
        assert parsed(plain_html) == parsed(django_html)
    assert "Tom &amp; Jerry&#x27;s &lt;team&gt;" in PlainSelect(choices=CHOICES).render("team", None)
