"""What an API key may do: its scopes, and the scopes a person signed in with a session holds by role."""

from django.db import models

from accounts.models import CLINICAL_ROLES, MANAGER_ROLES, Role


class Scope(models.TextChoices):
    GROUPING = "grouping", "Grouping: suggestions, and storing a case's Current View"
    RECORDS_READ = "records:read", "Records: read the cases in scope and their allocations"
    REPORTS_READ = "reports:read", "Reports: read the figures of report runs"
    STATEMENTS_READ = "statements:read", "Statements: read commissioners' statements"


# A commissioner's integration never reaches a case: its key holds none of the case-level scopes.
CASE_LEVEL_SCOPES = frozenset({Scope.RECORDS_READ})


def session_scopes(role: str) -> frozenset[str]:
    """The scopes of a person using the API with their session: what their pages let them do."""
    scopes: set[str] = set()
    if role in CLINICAL_ROLES:
        scopes |= {Scope.GROUPING, Scope.RECORDS_READ}
    if role in MANAGER_ROLES or role == Role.COMMISSIONER:
        scopes |= {Scope.REPORTS_READ, Scope.STATEMENTS_READ}
    return frozenset(scopes)
