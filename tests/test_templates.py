"""Templates as Django reads them: a `{# ... #}` comment ends on its own line, or the page shows it as text."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_one_line_comment_of_a_template_runs_onto_another_line():
    unclosed = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\{#(?!.*#\})", line)
    ]
    assert unclosed == [], "use {% comment %} for these: " + ", ".join(unclosed)
