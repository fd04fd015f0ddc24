"""A small, hand-computed case-mix for October 2026 (test support for the report tests)."""

import datetime as dt

from accounts.models import Role, User
from assessments.models import Case
from groupings.models import Allocation, Grouping
from groupings.selectors import current_rules_version
from reports.kinds import kind_of
from reports.models import ReportRow, ReportRun
from tests import factories

D = dt.date
BORN = D(2012, 5, 17)


def allocate(case: Case, code: str, start: dt.date, end: dt.date | None, by: User) -> Allocation:
    grouping = Grouping.objects.get(rules_version=current_rules_version(), code=code)
    return Allocation.objects.create(
        case=case,
        grouping=grouping,
        start_date=start,
        end_date=end,
        review_due=start,
        allocated_by=by,
        reason_category="other",
        reason_text="Test data.",
    )


def october_casemix() -> dict:
    """Cases of commissioner QAA (and one of QZZ) at providers RAA and RBB around October 2026."""
    ours = factories.commissioner(code="QAA")
    theirs = factories.commissioner(code="QZZ")
    team_a = factories.team(factories.provider(code="RAA"))
    team_b = factories.team(factories.provider(code="RBB"))
    clinician = factories.user(Role.CLINICIAN, teams=(team_a, team_b))

    def case(team, referred, accepted=None, closed=None, born=BORN, gender="2", commissioner=ours):
        patient = factories.patient(date_of_birth=born, gender=gender, provider=team.provider)
        return factories.case(
            team,
            patient,
            commissioner=commissioner,
            referral_date=referred,
            accepted_date=accepted,
            closed_date=closed,
            discharge_reason="completed" if closed else "",
        )

    # Open all month in GH03.
    c1 = case(team_a, D(2026, 9, 15), D(2026, 9, 20))
    allocate(c1, "GH03", D(2026, 9, 20), None, clinician)
    # Referred on the first day, closed on the last day (so not open at month end); GA01 then GH03 from the
    # 20th: its grouping is the one in force the day before closure. Fifth birthday on the last day.
    c2 = case(team_a, D(2026, 10, 1), D(2026, 10, 5), D(2026, 10, 31), born=D(2021, 10, 31), gender="1")
    allocate(c2, "GA01", D(2026, 10, 5), D(2026, 10, 20), clinician)
    allocate(c2, "GH03", D(2026, 10, 20), None, clinician)
    # Referred the day before the month; allocation changed mid-month from GA01 to GH03.
    c3 = case(team_a, D(2026, 9, 30), D(2026, 10, 2))
    allocate(c3, "GA01", D(2026, 10, 2), D(2026, 10, 15), clinician)
    allocate(c3, "GH03", D(2026, 10, 15), None, clinician)
    # Referred on the last day, not accepted: ungrouped; 16th birthday the day after the month.
    case(team_b, D(2026, 10, 31), born=D(2010, 11, 1), gender="9")
    # Referred the day after the month: not counted at all.
    case(team_a, D(2026, 11, 1))
    # Closed on the first day: counted as closed, in the grouping in force the day before.
    c6 = case(team_b, D(2026, 8, 1), D(2026, 8, 2), D(2026, 10, 1), born=D(2008, 10, 31))
    allocate(c6, "GH04", D(2026, 8, 2), D(2026, 10, 1), clinician)
    # A referral never accepted and closed in the month: not a closed episode, no row.
    case(team_a, D(2026, 9, 1), closed=D(2026, 10, 10))
    # Another commissioner's case: not counted.
    c8 = case(team_a, D(2026, 10, 3), D(2026, 10, 4), commissioner=theirs)
    allocate(c8, "GH03", D(2026, 10, 4), None, clinician)
    # Referred in the month, accepted the day after it: referred, not open. Fifth birthday the day after.
    case(team_a, D(2026, 10, 20), D(2026, 11, 1), born=D(2021, 11, 1), gender="X")
    # Closed the day after the month: open at month end.
    c10 = case(team_a, D(2026, 1, 5), D(2026, 1, 10), D(2026, 11, 1))
    allocate(c10, "GH03", D(2026, 1, 10), D(2026, 11, 1), clinician)
    # Allocation ended on the last day with none after it: ungrouped at month end.
    c11 = case(team_a, D(2026, 2, 20), D(2026, 3, 1))
    allocate(c11, "GA01", D(2026, 3, 1), D(2026, 10, 31), clinician)
    return {"commissioner": ours, "other": theirs, "clinician": clinician}


def name_of(code: str) -> tuple[str, str]:
    grouping = Grouping.objects.get(rules_version=current_rules_version(), code=code)
    return grouping.super_group, grouping.name


def expected_october_rows() -> list[list[object]]:
    """Hand-computed: open at month end, referred in month, closed in month."""
    gh03, gh04 = name_of("GH03"), name_of("GH04")
    head = ["2026-10", "QAA"]
    return [
        [*head, "RAA", "", "UNGROUPED", "", "0-4", "X", 0, 1, 0],
        [*head, "RAA", "", "UNGROUPED", "", "11-15", "2", 1, 0, 0],
        [*head, "RAA", gh03[0], "GH03", gh03[1], "5-10", "1", 0, 1, 1],
        [*head, "RAA", gh03[0], "GH03", gh03[1], "11-15", "2", 3, 0, 0],
        [*head, "RBB", "", "UNGROUPED", "", "11-15", "9", 0, 1, 0],
        [*head, "RBB", gh04[0], "GH04", gh04[1], "18-25", "2", 0, 0, 1],
    ]


# Figures a report computes with float artefacts in them, stored as a run's rows would hold them.
AWKWARD = {
    "open_at_month_end": 12345,
    "attended_hours": 5.333333333333333,
    "cost": 20581.0,
    "cost_per_open_episode": 1715.0833333333333,
    "indicative_price": 1971.0,
    "variance": -256.0,
    "episodes": 12,
    "appointments_mean": 5.333333333333333,
    "appointments_median": 5.0,
    "appointments_cv": 0.31234567,
    "cost_mean": 20581.0,
    "eta_squared": 0.123456789,
}


def with_awkward_row(run: ReportRun, grouping: str = "GH03") -> None:
    """Add to a cost or currency run a row of AWKWARD figures, as a run's stored rows would hold them."""
    columns = kind_of(run.report).columns
    row = {"grouping": grouping, "grouping_name": "Getting help", "team_code": "T1", **AWKWARD}
    n = ReportRow.objects.filter(run=run).count()
    ReportRow.objects.create(run=run, position=n, values=[row.get(column) for column in columns])
