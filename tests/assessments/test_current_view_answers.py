"""A saved Current View reads back in the form's sections and words, Not known said as such."""

from assessments.current_view_answers import answered_sections
from tests.groupings.helpers import ratings


def test_the_fifty_answers_come_back_in_the_form_s_sections_and_order():
    sections = answered_sections(ratings())
    assert [section.title for section in sections] == [
        "Provisional problem descriptions",
        "Selected complexity factors",
        "Contextual problems",
        "Education, employment or training",
    ]
    assert [len(section.answers) for section in sections] == [30, 14, 4, 2]
    assert sections[0].answers[0].item.name == "Anxious away from caregivers"
    assert sections[3].answers[-1].item.name == "Attainment difficulties"


def test_each_answer_is_in_the_form_s_words_and_not_known_is_said():
    problems, complexity, context, _ = answered_sections(ratings(p09=2, p10=None, c31=1, c33=None, x45=3))
    by_id = {answer.item.id: answer for answer in problems.answers + complexity.answers + context.answers}
    assert (by_id["p09"].words, by_id["p09"].rated, by_id["p09"].not_known) == ("Moderate", True, False)
    assert (by_id["p10"].words, by_id["p10"].rated, by_id["p10"].not_known) == ("Not known", False, True)
    assert (by_id["p01"].words, by_id["p01"].rated) == ("None", False)
    assert (by_id["c31"].words, by_id["c32"].words, by_id["c33"].words) == ("Yes", "No", "Not known")
    assert by_id["x45"].words == "Severe"
    assert (problems.not_known, complexity.not_known, context.not_known) == (1, 1, 0)
