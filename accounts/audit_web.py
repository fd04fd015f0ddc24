"""Where the web edge feeds the audit trail: refused access to pages, reads of a case's pages, logins and
logouts, and every action of the Django admin. The request id on each event is camhs_pbr.logs's."""

import json
from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.signals import post_save
from django.http import Http404, HttpRequest, HttpResponse

from accounts.audit import Action, Outcome, record

ADMIN_ACTIONS = {ADDITION: Action.ADMIN_ADD, CHANGE: Action.ADMIN_CHANGE, DELETION: Action.ADMIN_DELETE}


class AuditMiddleware:
    """Records the pages of a case a user opened and those they were refused (403, or 404 raised by a view,
    as for a case outside their scope)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        record_case_form_view(request, response)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied | Http404):
            record_refusal(request)


BIGGEST_ID = 2**63 - 1  # PostgreSQL bigint
# Pages that record their own view of the case (with the record they show as the target).
VIEWS_RECORDED_BY_THE_PAGE = {"assessments:case_detail", "groupings:current_view_detail"}


def record_case_form_view(request: HttpRequest, response: HttpResponse) -> None:
    """A view_case event for every other page of one case opened by GET (its forms show the case too)."""
    match = request.resolver_match
    if request.method != "GET" or response.status_code != 200 or match is None:
        return
    if not match.route.startswith("cases/<int:pk>/") or match.view_name in VIEWS_RECORDED_BY_THE_PAGE:
        return
    case_id = match.kwargs.get("pk")
    if isinstance(case_id, int) and 0 < case_id <= BIGGEST_ID:
        record(
            Action.VIEW_CASE,
            by=request.user,
            case_id=case_id,
            object_type=f"page:{match.view_name}",
            object_id=str(case_id),
        )


def record_refusal(request: HttpRequest) -> None:
    """An access_refused event naming the page; a case page's case id is taken from its URL."""
    match = request.resolver_match
    kwargs = match.kwargs if match else {}
    is_case_page = bool(match and match.route.startswith("cases/<int:pk>/"))
    case_id = kwargs.get("pk") if is_case_page else None
    if not (isinstance(case_id, int) and 0 < case_id <= BIGGEST_ID):
        case_id = None  # an id no case can have (a hostile URL) is recorded in the object id only
    record(
        Action.ACCESS_REFUSED,
        by=getattr(request, "user", None),
        outcome=Outcome.REFUSED,
        object_type=f"page:{match.view_name}" if match else "page",
        object_id=str(kwargs.get("pk", ""))[:40],
        case_id=case_id,
    )


def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(Action.LOGIN, by=user, target=user)


def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(Action.LOGOUT, by=user, target=user)


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    record(
        Action.LOGIN_FAILED, by=None, outcome=Outcome.REFUSED, username=str(credentials.get("username", ""))
    )


def _admin_action(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    model = instance.content_type.model_class() if instance.content_type else None
    record(
        ADMIN_ACTIONS.get(instance.action_flag, Action.ADMIN_CHANGE),
        by=instance.user,
        object_type=model._meta.label_lower if model else "",
        object_id=instance.object_id or "",
        changed=changed_field_names(instance.change_message),
    )


def changed_field_names(change_message: str) -> list[str]:
    """The field names the admin logged as changed (its JSON change message), never their values."""
    try:
        messages = json.loads(change_message or "[]")
    except ValueError:
        return []
    if not isinstance(messages, list):
        return []
    return [
        str(name)
        for message in messages
        if isinstance(message, dict)
        for name in message.get("changed", {}).get("fields", [])
    ]


@admin.action(permissions=["delete"], description=django_delete_selected.short_description)  # type: ignore[attr-defined]
def delete_selected(modeladmin: Any, request: HttpRequest, queryset: Any) -> Any:
    """The admin's bulk delete, audited: Django logs the deletion of several objects with bulk_create,
    which sends no post_save, so each deleted object is recorded here (one object goes through the signal)."""
    pks = list(queryset.values_list("pk", flat=True))
    with transaction.atomic():
        response = django_delete_selected(modeladmin, request, queryset)
        remaining = set(modeladmin.model._default_manager.filter(pk__in=pks).values_list("pk", flat=True))
        deleted = [pk for pk in pks if pk not in remaining]
        if len(deleted) > 1:
            for pk in deleted:
                record(
                    Action.ADMIN_DELETE,
                    by=request.user,
                    object_type=modeladmin.model._meta.label_lower,
                    object_id=pk,
                )
    return response


def connect() -> None:
    admin.site.add_action(delete_selected, "delete_selected")
    user_logged_in.connect(_logged_in, dispatch_uid="audit_login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit_logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit_login_failed")
    post_save.connect(_admin_action, sender=LogEntry, dispatch_uid="audit_admin_action")
