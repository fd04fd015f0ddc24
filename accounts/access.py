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


def for_roles(roles: Collection[str], refusal: str) -> Callable[[View], View]:
    """Logged-in users with one of `roles` reach the page; anyone else gets 403 with `refusal` (whom the
    page is for) and the role they are signed in with."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def guarded(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.role not in roles:
                raise PermissionDenied(f"{refusal} You are signed in as {_role_words(request.user)}.")
            return view(request, *args, **kwargs)

        return guarded

    return decorate


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
