"""Site-wide response headers."""

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class CaseRecordsNotStoredMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user.

        Almost every such page shows a case, a patient, a lab run fitted on case records, a report or the key of
        an authenticator app; one rule for all of them leaves no page that a new URL namespace forgot. The API's
    answers (cases, allocations, figures) are not kept either, whoever asked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        answered_by_the_api = "api" in getattr(request.resolver_match, "namespaces", ())
        if (user is not None and user.is_authenticated) or answered_by_the_api:
            add_never_cache_headers(response)
        return response


class NulBytesRefusedMiddleware:
    """A query string holding a NUL character is answered 400 before any view reads it.

    PostgreSQL refuses NUL in text, so a NUL reaching a lookup (an admin list filter or search box, any
    view's parameter) became a server error; no page takes NUL on purpose. Forms already refuse it in their
    text fields with a message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
            raise BadRequest("A parameter of the address holds a NUL character.")
        return self.get_response(request)
