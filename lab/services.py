"""State changes of the algorithm lab: a service manager requests a run, publishes a done classifier for
allocation help, or withdraws it, or publishes a done tree as a rules version (lab.publish). Each in one
transaction ending with its audit event."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.audit import Action, record
from accounts.models import Role, User
from camhs_pbr.runs import lifecycle
from camhs_pbr.runs.models import RunStatus
from groupings.models import RulesVersion
from groupings.selectors import current_rules_version
from lab.models import LabRun, Method
from lab.publish import PublishRefused, publish_tree


class LabRefused(ValueError):
    """A change the lab refuses, with the reason for its user."""


def request_run(
    *,
    by: User,
    method: str,
    closed_from: dt.date,
    closed_to: dt.date,
    window: int,
    seed: int,
    params: dict[str, Any],
) -> LabRun:
    """Record a run over the closed episodes `by` sees with the current rules version, then queue it.

    The same request while such a run is queued or running joins it. With the task queue unreachable the
    run stays queued, marked refused, and the reaper sends it once the queue is back."""
    if by.role != Role.SERVICE_MANAGER or by.provider_id is None:
        raise LabRefused("Only a service manager can run the lab, over the episodes of their provider.")
    key = {
        "requested_by": by,
        "method": method,
        "closed_from": closed_from,
        "closed_to": closed_to,
        "window": window,
        "seed": seed,
        "params": params,
        "rules_version": current_rules_version(),
    }
    return lifecycle.request(LabRun, key=key, by=by, provider_id=by.provider_id).run


@transaction.atomic
def publish_for_allocation_help(*, by: User, run: LabRun) -> LabRun:
    """Make `run` (a done classifier of `by`'s provider) the one whose estimate the Current View page shows
    for the provider's cases, replacing any other. It never allocates."""
    run = LabRun.objects.select_for_update().get(pk=run.pk)
    _refuse_other_provider(by, run)
    if run.method != Method.CLASSIFIER or run.status != RunStatus.DONE:
        raise LabRefused("Only a finished classifier run can help at allocation.")
    if not run.model_file:
        raise LabRefused("This run has no saved model to apply.")
    LabRun.objects.filter(provider_id=run.provider_id, for_allocation_help=True).exclude(pk=run.pk).update(
        for_allocation_help=False
    )
    run.for_allocation_help, run.published_by, run.published_at = True, by, timezone.now()
    run.save(update_fields=["for_allocation_help", "published_by", "published_at"])
    record(Action.PUBLISH_ALLOCATION_HELP, by=by, target=run)
    return run


@transaction.atomic
def withdraw_allocation_help(*, by: User, run: LabRun) -> LabRun:
    """Stop showing `run`'s estimate at allocation."""
    run = LabRun.objects.select_for_update().get(pk=run.pk)
    _refuse_other_provider(by, run)
    if not run.for_allocation_help:
        raise LabRefused("This run is not in use for allocation help.")
    run.for_allocation_help = False
    run.save(update_fields=["for_allocation_help"])
    record(Action.WITHDRAW_ALLOCATION_HELP, by=by, target=run)
    return run


@transaction.atomic
def publish_tree_run(*, by: User, run: LabRun, label: str, description: str = "") -> RulesVersion:
    """Publish `run` (a done tree of `by`'s provider) as a new rules version that is not current: each leaf a
    grouping, each path a rule (lab.publish, audited there), compared rules version's thresholds and flags."""
    run = LabRun.objects.select_for_update().get(pk=run.pk)
    _refuse_other_provider(by, run)
    if run.method != Method.TREE or run.status != RunStatus.DONE or not run.result:
        raise LabRefused("Only a finished tree run can be published as a rules version.")
    if run.published_version_id is not None:
        raise LabRefused(f"This tree is published already, as rules version {run.published_version}.")
    try:
        version = publish_tree(by, run.result, label, description, based_on=run.rules_version)
    except PublishRefused as refused:
        raise LabRefused(str(refused)) from None
    run.published_version = version
    run.save(update_fields=["published_version"])
    return version


def _refuse_other_provider(by: User, run: LabRun) -> None:
    if by.role != Role.SERVICE_MANAGER or by.provider_id != run.provider_id:
        raise LabRefused("Only a service manager of the run's provider can publish it or change its use.")
