from django.apps import AppConfig


class ConsistencyConfig(AppConfig):
    name = "consistency"
    verbose_name = "Consistency of grouping: second-rater audits and vignettes"

    def ready(self) -> None:
        from accounts.audit import Action, record
        from camhs_pbr.runs import registry
        from consistency import tasks
        from consistency.models import AgreementRun, Audit

        registry.register(registry.RunKind(Audit, tasks.sample_audit, Action.REQUEST_RATER_AUDIT, record))
        registry.register(
            registry.RunKind(AgreementRun, tasks.compute_agreement, Action.REQUEST_AGREEMENT, record)
        )
