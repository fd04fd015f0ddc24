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
    """Logged-in users with one of `roles` reach the page; anyone else gets 403 with `refusal`."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def guarded(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.role not in roles:
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return guarded

    return decorate


case_level_page = for_roles(CLINICAL_ROLES, "Case-level pages are for clinical staff only.")
manager_page = for_roles(MANAGER_ROLES, "This page is for team and service managers.")
