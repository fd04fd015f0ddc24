from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from assessments.models import Case, CurrentView
    from groupings.allocation_help import Estimate


class LabConfig(AppConfig):
    name = "lab"
    verbose_name = "Algorithm lab"

    def ready(self) -> None:
        from accounts.audit import Action, record
        from camhs_pbr.runs import registry
        from groupings import allocation_help
        from lab import tasks
        from lab.models import LabRun

        allocation_help.add_estimator("lab_classifier", _estimate)
        registry.register(registry.RunKind(LabRun, tasks.fit_lab_run, Action.REQUEST_LAB_RUN, record))


def _estimate(case: Case, current_view: CurrentView) -> Estimate | None:
    """The published classifier's estimate (lab.allocation_help), imported at the first one: that module
    brings scikit-learn (about 90 MB and seconds of start-up), which a process that never shows a Current
    View page, such as a report run, need not load."""
    from lab.allocation_help import estimate

    return estimate(case, current_view)
