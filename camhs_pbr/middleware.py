"""Site-wide response headers that depend on which app's page was served."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# Every page under these URL namespaces shows a case or a patient (caseload, case page, contacts,
# measures, the Current View, the manager dashboard's lists of cases) or refers to one: browsers and
# proxies must not keep a copy. Report pages share the dashboard's namespace and are not kept either, nor
# does anything the API answers (cases, allocations, figures).
CASE_RECORD_NAMESPACES = frozenset({"assessments", "groupings", "reports", "api"})


class CaseRecordsNotStoredMiddleware:
    """`Cache-Control: no-store` on every page that shows a case."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if match is not None and CASE_RECORD_NAMESPACES.intersection(match.namespaces):
            add_never_cache_headers(response)
        return response
