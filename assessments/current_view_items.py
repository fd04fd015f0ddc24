"""The 50 items of the CAMHS Current View form and their response scales (SPEC section 2, VERIFIED)."""

from dataclasses import dataclass
from typing import Literal

Section = Literal["problem", "complexity", "context", "eet"]
ResponseScale = Literal["severity", "presence"]


@dataclass(frozen=True)
class CurrentViewItem:
    """One Current View item; empty strings where the form has no label or SNOMED CT code."""

    id: str
    section: Section
    name: str
    label_on_form: str
    snomed_ct: str
    response_scale: ResponseScale


ITEMS: tuple[CurrentViewItem, ...] = (
    CurrentViewItem(
        "p01", "problem", "Anxious away from caregivers", "Separation anxiety", "987251000000103", "severity"
    ),
    CurrentViewItem(
        "p02",
        "problem",
        "Anxious in social situations",
        "Social anxiety/phobia",
        "987261000000100",
        "severity",
    ),
    CurrentViewItem(
        "p03", "problem", "Anxious generally", "Generalized anxiety", "987271000000107", "severity"
    ),
    CurrentViewItem(
        "p04", "problem", "Compelled to do or think things", "OCD", "987281000000109", "severity"
    ),
    CurrentViewItem("p05", "problem", "Panics", "Panic disorder", "987291000000106", "severity"),
    CurrentViewItem("p06", "problem", "Avoids going out", "Agoraphobia", "987301000000105", "severity"),
    CurrentViewItem(
        "p07", "problem", "Avoids specific things", "Specific phobia", "987311000000107", "severity"
    ),
    CurrentViewItem(
        "p08", "problem", "Repetitive problematic behaviours", "Habit problems", "987321000000101", "severity"
    ),
    CurrentViewItem("p09", "problem", "Depression/low mood", "Depression", "987331000000104", "severity"),
    CurrentViewItem("p10", "problem", "Self-harm", "Self injury or self-harm", "987341000000108", "severity"),
    CurrentViewItem("p11", "problem", "Extremes of mood", "Bipolar disorder", "987351000000106", "severity"),
    CurrentViewItem(
        "p12", "problem", "Delusional beliefs and hallucinations", "Psychosis", "987361000000109", "severity"
    ),
    CurrentViewItem(
        "p13", "problem", "Drug and alcohol difficulties", "Substance abuse", "987371000000102", "severity"
    ),
    CurrentViewItem(
        "p14",
        "problem",
        "Difficulties sitting still or concentrating",
        "ADHD/Hyperactivity",
        "987381000000100",
        "severity",
    ),
    CurrentViewItem("p15", "problem", "Behavioural difficulties", "CD or ODD", "987391000000103", "severity"),
    CurrentViewItem("p16", "problem", "Poses risk to others", "", "987401000000100", "severity"),
    CurrentViewItem(
        "p17",
        "problem",
        "Carer management of CYP behaviour",
        "e.g. management of child",
        "987411000000103",
        "severity",
    ),
    CurrentViewItem(
        "p18",
        "problem",
        "Doesn't get to toilet in time",
        "Elimination problems",
        "987421000000109",
        "severity",
    ),
    CurrentViewItem("p19", "problem", "Disturbed by traumatic event", "PTSD", "987431000000106", "severity"),
    CurrentViewItem("p20", "problem", "Eating issues", "Anorexia/Bulimia", "987441000000102", "severity"),
    CurrentViewItem("p21", "problem", "Family relationship difficulties", "", "987451000000104", "severity"),
    CurrentViewItem(
        "p22",
        "problem",
        "Problems in attachment to parent/carer",
        "Attachment problems",
        "987461000000101",
        "severity",
    ),
    CurrentViewItem("p23", "problem", "Peer relationship difficulties", "", "987471000000108", "severity"),
    CurrentViewItem(
        "p24",
        "problem",
        "Persistent difficulties managing relationships with others",
        "includes emerging personality disorder",
        "987481000000105",
        "severity",
    ),
    CurrentViewItem("p25", "problem", "Does not speak", "Selective mutism", "987491000000107", "severity"),
    CurrentViewItem("p26", "problem", "Gender discomfort issues", "GID", "987501000000101", "severity"),
    CurrentViewItem("p27", "problem", "Unexplained physical symptoms", "", "987511000000104", "severity"),
    CurrentViewItem(
        "p28", "problem", "Unexplained developmental difficulties", "", "987521000000105", "severity"
    ),
    CurrentViewItem(
        "p29",
        "problem",
        "Self-care issues",
        "includes medical care management and obesity",
        "987531000000107",
        "severity",
    ),
    CurrentViewItem("p30", "problem", "Adjustment to health issues", "", "987541000000103", "severity"),
    CurrentViewItem("c31", "complexity", "Looked after child", "", "", "presence"),
    CurrentViewItem("c32", "complexity", "Young carer status", "", "", "presence"),
    CurrentViewItem("c33", "complexity", "Learning disability", "", "", "presence"),
    CurrentViewItem(
        "c34", "complexity", "Serious physical health issues", "including chronic fatigue", "", "presence"
    ),
    CurrentViewItem(
        "c35", "complexity", "Pervasive developmental disorders", "autism/Asperger's", "", "presence"
    ),
    CurrentViewItem("c36", "complexity", "Neurological issues", "e.g. tics or Tourette's", "", "presence"),
    CurrentViewItem("c37", "complexity", "Current protection plan", "", "", "presence"),
    CurrentViewItem(
        "c38", "complexity", "Child in need", "deemed child in need of social services input", "", "presence"
    ),
    CurrentViewItem("c39", "complexity", "Refugee or asylum seeker", "", "", "presence"),
    CurrentViewItem("c40", "complexity", "Experience of war torture or trafficking", "", "", "presence"),
    CurrentViewItem("c41", "complexity", "Experience of abuse or neglect", "", "", "presence"),
    CurrentViewItem("c42", "complexity", "Parental health issues", "", "", "presence"),
    CurrentViewItem("c43", "complexity", "Contact with youth justice system", "", "", "presence"),
    CurrentViewItem("c44", "complexity", "Living in financial difficulty", "", "", "presence"),
    CurrentViewItem("x45", "context", "Home", "", "987201000000104", "severity"),
    CurrentViewItem("x46", "context", "School work or training", "", "987211000000102", "severity"),
    CurrentViewItem("x47", "context", "Community", "", "987191000000101", "severity"),
    CurrentViewItem("x48", "context", "Service engagement", "", "987221000000108", "severity"),
    CurrentViewItem("e49", "eet", "Attendance difficulties", "", "987241000000101", "severity"),
    CurrentViewItem("e50", "eet", "Attainment difficulties", "", "987231000000105", "severity"),
)

ITEMS_BY_ID: dict[str, CurrentViewItem] = {item.id: item for item in ITEMS}
ALL_ITEMS: tuple[str, ...] = tuple(item.id for item in ITEMS)
PROBLEM_ITEMS: tuple[str, ...] = tuple(item.id for item in ITEMS if item.section == "problem")
COMPLEXITY_ITEMS: tuple[str, ...] = tuple(item.id for item in ITEMS if item.section == "complexity")
CONTEXT_ITEMS: tuple[str, ...] = tuple(item.id for item in ITEMS if item.section == "context")
EET_ITEMS: tuple[str, ...] = tuple(item.id for item in ITEMS if item.section == "eet")

# SPEC section 2: Not known is stored as NULL (None), never as a number.
SEVERITY_RESPONSES: dict[str, int | None] = {
    "None": 0,
    "Mild": 1,
    "Moderate": 2,
    "Severe": 3,
    "Not known": None,
}
PRESENCE_RESPONSES: dict[str, int | None] = {"Yes": 1, "No": 0, "Not known": None}
RESPONSES: dict[str, dict[str, int | None]] = {"severity": SEVERITY_RESPONSES, "presence": PRESENCE_RESPONSES}
MAX_CODE: dict[str, int] = {"severity": 3, "presence": 1}
