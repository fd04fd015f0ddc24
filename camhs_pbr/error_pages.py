"""The app's own 404 and 500 pages in every setting. Without DEBUG Django renders templates/404.html and
500.html itself; with DEBUG (`make run`) it would show its technical pages, so this middleware puts the
app's pages in their place. DJANGO_DEBUG_PAGES=1 keeps Django's technical pages for an engineer; the
traceback of a 500 is logged to the console either way."""

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views import defaults

RAISED = "_app_error_page_raised"


class AppErrorPagesMiddleware:
    """Outermost, so that it sees every view's exception after the audit trail has recorded it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not settings.DEBUG or settings.DJANGO_DEBUG_PAGES:
            return response
        raised = getattr(request, RAISED, None)
        unresolved = getattr(request, "resolver_match", None) is None
        if response.status_code == 404 and (isinstance(raised, Http404) or unresolved):
            return _with_headers_of(response, defaults.page_not_found(request, raised or Http404()))
        if response.status_code == 500 and raised is not None:
            return _with_headers_of(response, defaults.server_error(request))
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        """Notes what the view raised and lets Django handle it as usual (log, debug page)."""
        setattr(request, RAISED, exception)


def _with_headers_of(technical: HttpResponse, page: HttpResponse) -> HttpResponse:
    """The app's page keeps the headers the other middleware gave the technical page (request id, security)."""
    for name, value in technical.headers.items():
        if name.lower() not in {"content-type", "content-length"}:
            page.headers[name] = value
    return page
