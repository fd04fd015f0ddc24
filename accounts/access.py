"""View guards: who reaches which kind of page. Which cases they see is Case.objects.visible_to."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from accounts.models import CLINICAL_ROLES, MANAGER_ROLES


def for_roles(roles, refusal: str):
    """Logged-in users with one of `roles` reach the page; anyone else gets 403 with `refusal`."""

    def decorate(view):
        @login_required
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return guarded

    return decorate


case_level_page = for_roles(CLINICAL_ROLES, "Case-level pages are for clinical staff only.")
manager_page = for_roles(MANAGER_ROLES, "This page is for team and service managers.")
