"""View guards: who reaches which kind of page. Which cases they see is Case.objects.visible_to."""

from collections.abc import Callable, Collection
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from accounts.models import CLINICAL_ROLES, MANAGER_ROLES, User

View = Callable[..., HttpResponse]


class AuthenticatedRequest(HttpRequest):
    """The request of a page behind login_required: its user is signed in."""

    user: User


class Guard:
    """A view decorator admitting logged-in users of some roles, which navigation asks too (`admits`), so a
    link shows exactly where the page opens."""

    def __init__(self, roles: Collection[str], refusal: str) -> None:
        self.roles = frozenset(roles)
        self.refusal = refusal

    def admits(self, user: Any) -> bool:
        """Whether `user` reaches the pages behind this guard."""
        return bool(user.is_authenticated and user.role in self.roles)

    def __call__(self, view: View) -> View:
        @login_required
        @wraps(view)
        def guarded(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not self.admits(request.user):
                raise PermissionDenied(f"{self.refusal} You are signed in as {_role_words(request.user)}.")
            return view(request, *args, **kwargs)

        return guarded


def for_roles(roles: Collection[str], refusal: str) -> Guard:
    """Logged-in users with one of `roles` reach the page; anyone else gets 403 with `refusal` (whom the
    page is for) and the role they are signed in with."""
    return Guard(roles, refusal)


def _role_words(user: User) -> str:
    role = user.get_role_display().lower()
    return f"an {role}" if role[0] in "aeiou" else f"a {role}"


case_level_page = for_roles(
    CLINICAL_ROLES,
    "Case records (the caseload, a case and its forms) are for clinical staff: clinicians and team "
    "managers of the case's team, and service managers of its provider.",
)
manager_page = for_roles(
    MANAGER_ROLES,
    "This page is for team and service managers: it works across the cases of a team or a service.",
)
