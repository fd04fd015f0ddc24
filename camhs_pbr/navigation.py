"""The site's navigation: each page's link shown only to whom its view's guard admits, asked of the guard itself
so the menu and the 403 cannot disagree."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse

from accounts.access import case_level_page, manager_page
from accounts.middleware import has_confirmed_device
from imports.views import data_manager_page
from lab.views import service_manager_page
from payments.views import contract_page
from reports import access as report_access


@dataclass(frozen=True)
class Link:
    label: str
    url: str


HAS_REPORTS = "nav_has_reports"


def _reports(request: HttpRequest) -> bool:
    # The reports index refuses a user with no report to offer; the link asks the same question, once per
    # session (as the authenticator app is looked up), so that a page's queries do not grow by it.
    if HAS_REPORTS not in request.session:
        request.session[HAS_REPORTS] = bool(report_access.offers(request.user))  # type: ignore[arg-type]
    return bool(request.session[HAS_REPORTS])


PAGES: tuple[tuple[str, str, Callable[[HttpRequest], bool]], ...] = (
    ("Caseload", "assessments:caseload", lambda request: case_level_page.admits(request.user)),
    ("Add patient", "assessments:patient_create", lambda request: case_level_page.admits(request.user)),
    ("Dashboard", "dashboards:dashboard", lambda request: manager_page.admits(request.user)),
    ("Re-grouping", "groupings:regrouping", lambda request: manager_page.admits(request.user)),
    ("Audits", "consistency:audits", lambda request: manager_page.admits(request.user)),
    ("To rate", "consistency:my_audit_cases", lambda request: case_level_page.admits(request.user)),
    ("Vignettes", "consistency:vignettes", lambda request: case_level_page.admits(request.user)),
    ("Lab", "lab:index", lambda request: service_manager_page.admits(request.user)),
    ("Imports", "imports:index", lambda request: data_manager_page.admits(request.user)),
    ("Reports", "reports:index", _reports),
    ("Contracts", "payments:contracts", lambda request: contract_page.admits(request.user)),
    ("Admin", "admin:index", admin.site.has_permission),
)


def links(request: HttpRequest) -> dict[str, list[Link]]:
    """The navigation links of the pages `request.user` may open, and of their own account's pages (none on
    a page answered before the user was known, such as the 400 for a NUL in the address)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [], "account_links": []}
    account = [Link("Password", reverse("accounts:password_change"))]
    # Set-up sends a user who already has an authenticator app on to the code page: no link to it then.
    if not has_confirmed_device(request):  # looked up once per session
        account.append(Link("Two-step login", reverse("accounts:two_factor_setup")))
    return {
        "nav_links": [Link(label, reverse(name)) for label, name, admits in PAGES if admits(request)],
        "account_links": account,
    }
