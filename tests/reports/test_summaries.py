"""The summary views of a report (reports.summaries): hand-worked sums, rates and their disclosure control."""

import pandas as pd

from reports import summaries
from reports.casemix import COLUMNS
from reports.summaries import casemix_summaries, cost_summaries, currency_summaries, disclosed


def cube(rows: list[tuple]) -> pd.DataFrame:
    """Case-mix rows of (provider, super group, grouping, age band, gender, open, referred, closed)."""
    return pd.DataFrame(
        [
            {
                "period": "2026-10",
                "commissioner_code": "QAA",
                "provider_code": provider,
                "super_group": super_group,
                "grouping": grouping,
                "grouping_name": f"{grouping} name" if grouping != "UNGROUPED" else "",
                "age_band": band,
                "gender": gender,
                "open_at_month_end": open_,
                "referred_in_month": referred,
                "closed_in_month": closed,
            }
            for provider, super_group, grouping, band, gender, open_, referred, closed in rows
        ],
        columns=list(COLUMNS),
    )


# Every cell of the cube is 1-7 (published as *), yet the views add the raw counts before rounding.
CUBE = cube(
    [
        ("RAA", "Getting Help", "GH03", "11-15", "1", 4, 0, 1),
        ("RAA", "Getting Help", "GH03", "11-15", "2", 5, 0, 2),
        ("RAA", "Getting Help", "GH03", "16-17", "2", 3, 0, 0),
        ("RBB", "Getting Help", "GH03", "11-15", "2", 6, 0, 3),
        ("RBB", "Getting Advice", "GA01", "5-10", "1", 2, 0, 0),
        ("RBB", "", "UNGROUPED", "5-10", "2", 0, 7, 0),
        ("RBB", "", "UNGROUPED", "16-17", "9", 0, 4, 0),
    ]
)
HEADLINE = pd.DataFrame(
    [
        {"figure": "open_at_month_end", "this_month": 20, "last_month": 17, "same_month_last_year": 26},
        {"figure": "referred_in_month", "this_month": 11, "last_month": 6, "same_month_last_year": 0},
        {"figure": "closed_in_month", "this_month": 6, "last_month": 9, "same_month_last_year": 12},
    ]
)


def views(frame=CUBE, headline=HEADLINE):
    return {view.name: view for view in casemix_summaries(frame, headline)}


def test_the_casemix_views_add_up_the_raw_counts_of_the_cube():
    found = views()
    by_grouping = found["by_grouping"].frame
    # GH03: 4 + 5 + 3 + 6 = 18; GA01: 2; not grouped: no episode open, so no row; groupings by code.
    assert by_grouping[["grouping", "open_at_month_end"]].values.tolist() == [["GA01", 2], ["GH03", 18]]
    by_provider = found["by_provider"].frame
    assert by_provider.values.tolist() == [["RAA", 12, 0, 3], ["RBB", 8, 11, 3]]
    by_super_group = found["super_group_by_provider"].frame
    assert by_super_group.values.tolist() == [
        ["Getting Advice", "RBB", 2, 0],
        ["Getting Help", "RAA", 12, 3],
        ["Getting Help", "RBB", 6, 3],
    ]
    # Age bands in age order, super groups as columns, 0 where none is open.
    age = found["age_band_by_super_group"].frame
    assert age.columns.tolist() == ["age_band", "Getting Advice", "Getting Help"]
    assert age.values.tolist() == [["5-10", 2, 0], ["11-15", 0, 15], ["16-17", 0, 3]]


def test_the_headline_gives_the_change_on_last_month_and_last_year_in_numbers_and_per_cent():
    frame = views()["headline"].frame.set_index("figure")
    assert list(frame.loc["open_at_month_end"]) == [20, 17, 3, 17.6, 26, -6, -23.1]
    # No referral in the same month last year: a change of 11, no percentage of nothing.
    assert frame.loc["referred_in_month", ["change_on_last_year", "change_on_last_year_share"]].tolist() == [
        11,
        None,
    ]


def test_each_view_is_disclosed_at_its_own_level_never_by_adding_rounded_cells():
    found = {name: disclosed(view).frame for name, view in views().items()}
    # The cube's GH03 cells are all * (4, 5, 3, 6); their raw sum 18 is published as 20, not as "*".
    assert found["by_grouping"][["grouping", "open_at_month_end"]].values.tolist() == [
        ["GA01", "*"],
        ["GH03", 20],
    ]
    # RBB referred 7 + 4 = 11 -> 10; closed 3 -> *; 0 stays 0.
    assert found["by_provider"].values.tolist() == [["RAA", 10, 0, "*"], ["RBB", 10, 10, "*"]]
    assert found["age_band_by_super_group"].values.tolist() == [
        ["5-10", "*", 0],
        ["11-15", 0, 15],
        ["16-17", 0, "*"],
    ]


def test_a_disclosed_headline_works_its_changes_out_from_the_published_figures():
    frame = disclosed(views()["headline"]).frame.set_index("figure")
    # 20 and 17 -> 20 and 15: a change of 5 (33.3%), not the raw 3, so nothing narrows the raw figures.
    assert list(frame.loc["open_at_month_end"]) == [20, 15, 5, 33.3, 25, -5, -20.0]
    # Last month's 6 referrals are *: so is every change that rests on them.
    assert list(frame.loc["referred_in_month"]) == [10, "*", "*", "*", 0, 10, None]
    assert list(frame.loc["closed_in_month"]) == ["*", 10, "*", "*", 10, "*", "*"]


def test_the_suppressed_share_counts_the_figures_a_reader_sees():
    shown = [disclosed(view) for view in views().values()]
    figures = summaries.figures_of(shown)
    # headline 3 x 7 less the one empty percentage; by grouping 2; by provider 6; super group 6; age 6.
    assert len(figures) == 20 + 2 + 6 + 6 + 6
    assert summaries.suppressed_share(shown) == sum(f == "*" for f in figures) / len(figures)


def test_a_run_stored_without_a_headline_shows_this_month_from_the_cube():
    frame = views(headline=None)["headline"].frame.set_index("figure")
    assert frame.loc["open_at_month_end", "this_month"] == 20
    assert frame.loc["open_at_month_end", "change_on_last_month"] is None


def test_each_teams_cost_per_open_episode_is_compared_with_the_mean_of_the_teams_shown():
    rows = pd.DataFrame(
        [
            {"team_code": "TA", "team_name": "Team A", "open_at_month_end": 10, "cost": 1500.0},
            {"team_code": "TA", "team_name": "Team A", "open_at_month_end": 4, "cost": 450.0},
            {"team_code": "TB", "team_name": "Team B", "open_at_month_end": 30, "cost": 4000.0},
            {"team_code": "TC", "team_name": "Team C", "open_at_month_end": 0, "cost": 90.0},
        ]
    )
    rows = rows.assign(grouping="GH03", grouping_name="Depression", contacts_attended=1)
    view, _ = cost_summaries(rows)
    # TA: 1950 / 14 = 139.29; TB: 4000 / 30 = 133.33; mean 6040 / 44 = 137.27; TC has no open episode.
    assert view.frame.values.tolist() == [
        ["TA", "Team A", 14, 1950.0, 139.29, 137.27, 2.02, 1.5],
        ["TB", "Team B", 30, 4000.0, 133.33, 137.27, -3.94, -2.9],
        ["TC", "Team C", 0, 90.0, None, 137.27, None, None],
    ]


def test_the_cost_by_grouping_adds_up_the_teams_shown():
    rows = pd.DataFrame(
        [
            {
                "team_code": "TA",
                "team_name": "A",
                "grouping": "GH03",
                "grouping_name": "Depression",
                "open_at_month_end": 10,
                "contacts_attended": 20,
                "cost": 1500.0,
            },
            {
                "team_code": "TB",
                "team_name": "B",
                "grouping": "GH03",
                "grouping_name": "Depression",
                "open_at_month_end": 30,
                "contacts_attended": 60,
                "cost": 4000.0,
            },
            {
                "team_code": "TA",
                "team_name": "A",
                "grouping": "UNGROUPED",
                "grouping_name": "Not grouped",
                "open_at_month_end": 0,
                "contacts_attended": 2,
                "cost": 90.0,
            },
            {
                "team_code": "TB",
                "team_name": "B",
                "grouping": "GA01",
                "grouping_name": None,
                "open_at_month_end": 3,
                "contacts_attended": 3,
                "cost": 100.0,
            },
        ]
    )
    _, view = cost_summaries(rows)
    # GH03: 10 + 30 open, 5500 / 40 = 137.50; not grouped last, no open episode so no rate.
    assert view.frame.values.tolist() == [
        ["GA01", "", 3, 3, 100.0, 33.33],
        ["GH03", "Depression", 40, 80, 5500.0, 137.5],
        ["UNGROUPED", "Not grouped", 0, 2, 90.0, None],
    ]


def test_each_groupings_mean_cost_per_episode_is_compared_with_its_indicative_price():
    rows = pd.DataFrame(
        [
            {
                "grouping": "GA01",
                "grouping_name": "Advice",
                "episodes": 12,
                "cost_mean": 300.0,
                "indicative_price": 256.0,
            },
            {
                "grouping": "GH03",
                "grouping_name": "Depression",
                "episodes": 5,
                "cost_mean": 960.0,
                "indicative_price": 1280.0,
            },
            {
                "grouping": "UNGROUPED",
                "grouping_name": "Not grouped",
                "episodes": 3,
                "cost_mean": 10.0,
                "indicative_price": None,
            },
        ]
    )
    (view,) = currency_summaries(rows)
    # 300 - 256 = 44 (17.2% of 256); 960 - 1280 = -320 (-25%); no price, no variance.
    assert view.frame[["grouping", "variance", "variance_share"]].values.tolist() == [
        ["GA01", 44.0, 17.2],
        ["GH03", -320.0, -25.0],
        ["UNGROUPED", None, None],
    ]


def test_every_summary_column_has_a_heading_in_words():
    from reports import headings

    rows = pd.DataFrame(
        [
            {
                "team_code": "TA",
                "team_name": "A",
                "open_at_month_end": 1,
                "contacts_attended": 1,
                "cost": 1.0,
                "grouping": "GA01",
                "grouping_name": "Advice",
            }
        ]
    )
    quality = pd.DataFrame(
        [{"grouping": "GA01", "grouping_name": "A", "episodes": 1, "cost_mean": 1.0, "indicative_price": 1.0}]
    )
    for report, found in (
        ("casemix", casemix_summaries(CUBE, HEADLINE)),
        ("cost", cost_summaries(rows)),
        ("currency", currency_summaries(quality)),
    ):
        for view in found:
            for column in view.columns:
                words = view.headings.get(column) or headings.summary_column(report, column).heading
                assert words and "_" not in words, (report, view.name, column)
