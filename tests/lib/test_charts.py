import datetime as dt

from camhs_pbr.lib.charts import HEIGHT, PAD, WIDTH, line_chart


def test_points_are_placed_by_date_and_score_and_missing_scores_leave_gaps():
    chart = line_chart(
        {"total": [(dt.date(2025, 1, 1), 40), (dt.date(2025, 3, 1), None), (dt.date(2025, 5, 1), 0)]}, 0, 40
    )
    (line,) = chart.lines
    assert [(round(p.x), round(p.y)) for p in line.points] == [(PAD, PAD), (WIDTH - PAD, HEIGHT - PAD)]
    assert line.points[1].label == "01/05/2025: 0"


def test_a_single_score_sits_in_the_middle():
    (line,) = line_chart({"cgas": [(dt.date(2025, 1, 1), 50)]}, 0, 100).lines
    assert round(line.points[0].x) == WIDTH // 2


def test_no_scores_at_all_give_an_empty_chart():
    chart = line_chart({"total": [(dt.date(2025, 1, 1), None)]}, 0, 40)
    assert chart.lines[0].points == () and chart.first_date is None


def test_bars_are_scaled_to_the_largest_value_and_missing_values_are_left_out():
    from camhs_pbr.lib.charts import LABEL_WIDTH, bar_chart

    chart = bar_chart([("GA01", 100.0), ("GH03", None), ("GH04", 50.0)], width=LABEL_WIDTH + PAD + 200)
    assert [(bar.label, bar.width) for bar in chart.bars] == [("GA01", 200.0), ("GH04", 100.0)]
    assert chart.bars[1].y > chart.bars[0].y
