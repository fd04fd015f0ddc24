"""The site's navigation: each page's link shown only to whom its view's guard admits, asked of the guard itself
so the menu and the 403 cannot disagree."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django_otp import user_has_device

from accounts.access import case_level_page, manager_page
from lab.views import service_manager_page
from reports import access as report_access


@dataclass(frozen=True)
class Link:
    label: str
    url: str


def _reports(request: HttpRequest) -> bool:
    # The reports index refuses a user with no report to offer; the link asks the same question.
    return bool(report_access.offers(request.user))  # type: ignore[arg-type]


PAGES: tuple[tuple[str, str, Callable[[HttpRequest], bool]], ...] = (
    ("Caseload", "assessments:caseload", lambda request: case_level_page.admits(request.user)),
    ("Add patient", "assessments:patient_create", lambda request: case_level_page.admits(request.user)),
    ("Dashboard", "dashboards:dashboard", lambda request: manager_page.admits(request.user)),
    ("Re-grouping", "groupings:regrouping", lambda request: manager_page.admits(request.user)),
    ("Lab", "lab:index", lambda request: service_manager_page.admits(request.user)),
    ("Reports", "reports:index", _reports),
    ("Admin", "admin:index", admin.site.has_permission),
)


def links(request: HttpRequest) -> dict[str, list[Link]]:
    """The navigation links of the pages `request.user` may open, and of their own account's pages."""
    if not request.user.is_authenticated:
        return {"nav_links": [], "account_links": []}
    account = [Link("Password", reverse("accounts:password_change"))]
    # Set-up sends a user who already has an authenticator app on to the code page: no link to it then.
    if not user_has_device(request.user, confirmed=True):
        account.append(Link("Two-step login", reverse("accounts:two_factor_setup")))
    return {
        "nav_links": [Link(label, reverse(name)) for label, name, admits in PAGES if admits(request)],
        "account_links": account,
    }
