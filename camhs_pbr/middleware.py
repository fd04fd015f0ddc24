"""Site-wide response headers."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class CaseRecordsNotStoredMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user.

    Almost every such page shows a case, a patient, a lab run fitted on case records, a report or the key of
    an authenticator app; one rule for all of them leaves no page that a new URL namespace forgot."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
