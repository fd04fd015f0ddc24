"""The estimate of the classifier a service manager published for allocation help, for the Current View
page (registered in groupings.allocation_help from lab's AppConfig.ready)."""

import numpy as np

from assessments.models import Case, CurrentView
from groupings.allocation_help import Estimate, EstimatedGrouping
from groupings.models import Grouping
from groupings.rules import ratings_to_codes
from lab import model_files
from lab.models import LabRun
from lab.selectors import NOT_ALLOCATED

SHOWN = 3


def estimate(case: Case, current_view: CurrentView) -> Estimate | None:
    """The published classifier's top three groupings for this Current View, None when the case's provider
    has published none."""
    run = (
        LabRun.objects.filter(provider__teams=case.team_id, for_allocation_help=True)
        .select_related("published_by")
        .first()
    )
    if run is None:
        return None
    source = f"Classifier of lab run {run.pk}, fitted on {run.episodes} closed episodes" + (
        f", published {run.published_at:%d/%m/%Y} by {run.published_by.display_name}"
        if run.published_at and run.published_by
        else ""
    )
    try:
        model = model_files.load(run.model_file)
    except (OSError, TypeError, ValueError, EOFError):
        return Estimate(source, (), note="Its fitted model cannot be read now, so it gives no estimate.")
    classes, probabilities = model.probabilities(codes_of(current_view))
    ranked = [
        (str(classes[n]), float(probabilities[0, n]))
        for n in np.argsort(-probabilities[0], kind="stable")
        if classes[n] != NOT_ALLOCATED
    ][:SHOWN]
    names = dict(
        Grouping.objects.filter(
            rules_version_id=run.rules_version_id, code__in=[c for c, _ in ranked]
        ).values_list("code", "name")
    )
    return Estimate(
        source,
        tuple(EstimatedGrouping(code, names.get(code, code), p) for code, p in ranked),
    )


def codes_of(current_view: CurrentView) -> np.ndarray:
    """1 x 50 int8 codes of a Current View (Not known = -1), as the lab's models read them."""
    return ratings_to_codes(current_view.ratings()).reshape(1, -1)
