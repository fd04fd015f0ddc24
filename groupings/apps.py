from django.apps import AppConfig
from django.utils import timezone


class GroupingsConfig(AppConfig):
    name = "groupings"
    verbose_name = "Needs-based groupings"

    def ready(self) -> None:
        from accounts.audit import Action, record
        from assessments import case_page, discharge
        from camhs_pbr.runs import registry
        from groupings import selectors, services, tasks
        from groupings.models import RegroupingRun

        registry.register(
            registry.RunKind(
                RegroupingRun,
                tasks.start_regrouping,
                Action.START_REGROUPING,
                record,
                resume=tasks.resume_regrouping,
            )
        )

        case_page.add_case_panel(
            case_page.CasePanel(
                name="grouping",
                template="groupings/_case_grouping.html",
                context=lambda case, today: selectors.case_grouping_summary(case, today),
            )
        )
        discharge.add_discharge_step("end_allocation", services.end_allocation_on_discharge)
        case_page.add_caseload_panel(
            case_page.CaseloadPanel(
                name="my_reviews",
                template="groupings/_my_reviews.html",
                context=selectors.my_reviews_due,
            )
        )
        case_page.add_caseload_columns(
            case_page.CaseloadColumns(
                name="grouping",
                headings=("Grouping", "Review due"),
                annotate=lambda cases: selectors.with_current_grouping(cases, timezone.localdate()),
                cells_template="groupings/_caseload_cells.html",
            )
        )
