from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payment: prices, contracts and statements"

    def ready(self) -> None:
        from accounts.audit import Action, record
        from camhs_pbr.runs import registry
        from payments import tasks
        from payments.models import Statement

        registry.register(
            registry.RunKind(Statement, tasks.compute_statement, Action.REQUEST_STATEMENT, record)
        )
