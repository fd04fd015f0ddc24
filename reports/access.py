"""Which report scopes a user may see: the accounts scope rule applied to aggregates (SPEC §7).

Commissioners see their own ICB's population (Commissioner.objects.in_scope_of); team and service managers
see their provider's reports (Provider.objects.in_scope_of: the providers of the teams in their scope), a
team manager only the rows of their own teams where a report has a team column. Clinicians and
administrators see no reports page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from accounts.models import Commissioner, Provider, Role, Team, User
from reports.kinds import KINDS, ReportKind
from reports.models import ScopeKind

# pandas (and the pyarrow it loads) is imported where frames are built: every process loads this module, few
# build one (tests/test_startup_imports.py).
if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Scope:
    kind: str
    code: str
    name: str


@dataclass(frozen=True)
class Offer:
    """A report a user may open for one scope."""

    kind: ReportKind
    scope: Scope


def scopes_of(user: User) -> list[Scope]:
    """The commissioner and provider scopes whose aggregates `user` may see."""
    if not user.is_authenticated:
        return []
    scopes = [Scope(ScopeKind.COMMISSIONER, c.code, c.name) for c in Commissioner.objects.in_scope_of(user)]
    if user.is_manager:
        scopes += [Scope(ScopeKind.PROVIDER, p.code, p.name) for p in Provider.objects.in_scope_of(user)]
    return scopes


def offers(user: User) -> list[Offer]:
    """Every (report, scope) `user` may open, in the registry's order."""
    scopes = scopes_of(user)  # once, not once per report kind: two queries
    return [
        Offer(kind, scope) for kind in KINDS.values() for scope in scopes if scope.kind in kind.scope_kinds
    ]


def offer_for(user: User, report: str, scope_kind: str, scope_code: str) -> Offer | None:
    """The offer of this report and scope, or None when `user` may not see it."""
    for offer in offers(user):
        if (offer.kind.report, offer.scope.kind, offer.scope.code) == (report, scope_kind, scope_code):
            return offer
    return None


def rows_for(user: User, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a provider report `user` may see: a team manager's own teams where there is a team column."""
    if "team_code" not in frame.columns or user.role != Role.TEAM_MANAGER:
        return frame
    own = set(Team.objects.in_scope_of(user).values_list("code", flat=True))
    return frame[frame["team_code"].isin(own)]


def may_see_pack(user: User, scope_kind: str, scope_code: str) -> bool:
    """Whether `user` may download the scope's monthly pack: it holds the whole scope's figures, so those
    who see all of the scope (its commissioners, its provider's service managers), not a team manager,
    whose pages show their own teams' rows only."""
    if user.is_authenticated and user.role == Role.TEAM_MANAGER and scope_kind == ScopeKind.PROVIDER:
        return False
    return any((scope.kind, scope.code) == (scope_kind, scope_code) for scope in scopes_of(user))
