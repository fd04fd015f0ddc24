"""A commissioner's first page survives disclosure control on the demo service's data (issue 29, point 7):
at most a fifth of its figures are suppressed, where its full case-mix cube is mostly `*`."""

import datetime as dt

import pytest
from django.core.management import call_command

from accounts.models import User
from reports import selectors, summaries
from reports.models import ReportRun

pytestmark = pytest.mark.django_db


def test_at_most_a_fifth_of_the_figures_on_a_commissioners_first_page_are_suppressed(client, reference_data):
    # 3,000 cases seed in about 15 s with their report runs (the case-mix for each of 12 months).
    call_command("seed_demo", cases=3000, seed=1, as_of=dt.date(2026, 10, 31), verbosity=0)
    user = User.objects.get(username="commissioner")
    assert user.commissioner is not None
    run = ReportRun.objects.get(
        report="casemix",
        scope_kind="commissioner",
        scope_code=user.commissioner.code,
        period=dt.date(2026, 9, 1),
    )
    client.force_login(user)
    page = client.get(f"/reports/casemix/commissioner/{run.scope_code}/", {"period": "2026-09"})
    html = page.content.decode()
    views = selectors.summaries_for(user, run)
    names = [view.name for view in views]
    assert names == [
        "headline",
        "by_grouping",
        "by_provider",
        "super_group_by_provider",
        "age_band_by_super_group",
    ]
    for name in names:
        assert f'data-testid="summary-{name}"' in html
    # The first page shows the summaries; the full cube is one choice away.
    assert 'data-testid="report-table"' not in html and 'data-testid="show-all-columns"' in html
    figures = summaries.figures_of(views)
    suppressed = sum(1 for figure in figures if figure == "*")
    assert len(figures) >= 50
    assert suppressed / len(figures) <= 0.20, f"{suppressed} of {len(figures)} figures are *"
    # The full cube of the same month is mostly suppressed: the reason the page opens on the summaries.
    cube = selectors.published_frame(run)[["open_at_month_end", "referred_in_month", "closed_in_month"]]
    cells = cube.values.ravel().tolist()
    assert sum(1 for cell in cells if cell == "*") / len(cells) > 0.20
