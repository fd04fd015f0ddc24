"""The Celery task of a lab run: select the episodes as the requesting user sees them, fit, save the model
and the result; a reason the user can read when it cannot (too few episodes, a missing unit cost)."""

from camhs_pbr.runs.tasks import run_task
from lab import model_files, runs
from lab.methods import Params, fit
from lab.models import LabRun
from lab.selectors import closed_episodes
from reports.cost_report import MissingUnitCost


@run_task(LabRun)
def fit_lab_run(run_id: int) -> int:
    """Run the lab run `run_id` from the start (a delivery after a lost worker starts it again, to the same
    result); returns its number of episodes (0 when it was finished already or failed)."""
    if not runs.begin(run_id):
        return 0
    run = LabRun.objects.select_related("requested_by", "rules_version").get(pk=run_id)
    try:
        episodes = closed_episodes(
            run.requested_by,
            closed_from=run.closed_from,
            closed_to=run.closed_to,
            rules=run.rules_version.ruleset(),
            window=run.window,
        )
    except MissingUnitCost as missing:
        runs.failed(run_id, f"The episodes' cost cannot be worked out. {missing}")
        return 0
    runs.selected(run_id, episodes=episodes.n, fingerprint=episodes.fingerprint())
    if not episodes.n:
        runs.failed(run_id, no_episodes_reason(run))
        return 0
    try:
        result = fit(run.method, episodes, seed=run.seed, params=Params(**run.params))  # type: ignore[arg-type]
    except ValueError as refused:
        runs.failed(run_id, f"The {run.get_method_display().lower()} could not be fitted: {refused}.")
        return 0
    runs.saving(run_id)
    model_file = model_files.save(run_id, episodes.fingerprint(), result.model)
    runs.done(run_id, result=result.to_json(), model_file=model_file)
    return episodes.n


def no_episodes_reason(run: LabRun) -> str:
    return (
        f"No episode to learn from: none of the cases you can see was closed from "
        f"{run.closed_from:%d/%m/%Y} to {run.closed_to:%d/%m/%Y} with a Current View completed by its "
        f"{run.window}{_ordinal_suffix(run.window)} attended contact. Choose a longer period or a wider window."
    )


def _ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
