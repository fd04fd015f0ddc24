"""View guards: who reaches which kind of page. Which cases they see is Case.objects.visible_to."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def case_level_page(view):
    """Only clinical roles reach case-level pages; commissioners and administrators get 403."""

    @login_required
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_clinical:
            raise PermissionDenied("Case-level pages are for clinical staff only.")
        return view(request, *args, **kwargs)

    return guarded


MANAGER_ROLES = ("team_manager", "service_manager")


def manager_page(view):
    """Only team and service managers reach management pages; others get 403."""

    @login_required
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if request.user.role not in MANAGER_ROLES:
            raise PermissionDenied("This page is for team and service managers.")
        return view(request, *args, **kwargs)

    return guarded
