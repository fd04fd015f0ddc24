"""The Celery tasks of the consistency runs: an audit's sampling run (the allocations of the period its
requester sees, sampled with the audit's seed, stored as the audit's cases) and an agreement run (a page's
figures for one manager, consistency.agreement_runs)."""

from django.db import transaction

from camhs_pbr.runs import lifecycle
from camhs_pbr.runs.tasks import run_task
from consistency import agreement_runs, selectors
from consistency.models import AgreementRun, Audit, AuditCase, SamplingMethod
from consistency.sampling import sample

SAMPLING = "Sampling the allocations of the period"


@run_task(Audit)
def sample_audit(run_id: int) -> int:
    """Sample the audit `run_id` (a delivery after a lost worker samples again, to the same cases); returns
    the number of cases sampled (0 when it was finished already or failed)."""
    if not lifecycle.start(Audit, run_id, stage=SAMPLING):
        return 0
    audit = Audit.objects.select_related("requested_by").get(pk=run_id)
    candidates = selectors.audit_candidates(audit)
    if not candidates:
        lifecycle.fail(
            Audit,
            run_id,
            f"No allocation to audit: none of the cases you can see{' in the team' if audit.team_id else ''} "
            f"was allocated from {audit.period_from:%d/%m/%Y} to {audit.period_to:%d/%m/%Y}. Choose a longer period.",
        )
        return 0
    strata = [(team, grouping, add_on) for _, _, team, grouping, add_on in candidates]
    chosen = set(
        sample(
            [row[0] for row in candidates],
            audit.size,
            audit.seed,
            strata if audit.method == SamplingMethod.STRATIFIED else None,
        )
    )
    with transaction.atomic():
        AuditCase.objects.filter(audit_id=run_id).delete()
        AuditCase.objects.bulk_create(
            AuditCase(audit_id=run_id, allocation_id=allocation, case_id=case, team_id=team)
            for allocation, case, team, _, _ in candidates
            if allocation in chosen
        )
        lifecycle.finish(Audit, run_id, stage="", candidates=len(candidates))
    return len(chosen)


@run_task(AgreementRun)
def compute_agreement(run_id: int) -> bool:
    """Compute and store one agreement run's figures; a late second delivery does nothing."""
    return agreement_runs.execute(run_id)
