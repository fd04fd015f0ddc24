"""Sign-in rules checked on every request: a login's absolute lifetime, the second factor, a forced
password change. The idle timeout is Django's own (SESSION_COOKIE_AGE, saved on every request)."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_otp import user_has_device

LOGGED_IN_AT = "logged_in_at"
HAS_DEVICE = "otp_has_device"
PAGES_BEFORE_SECOND_FACTOR = frozenset(
    {"login", "logout", "health", "admin:logout", "accounts:two_factor_setup", "accounts:two_factor_verify"}
)
PAGES_BEFORE_PASSWORD_CHANGE = PAGES_BEFORE_SECOND_FACTOR | {"accounts:password_change"}

GetResponse = Callable[[HttpRequest], HttpResponse]


def stamp_login_time(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """user_logged_in receiver: the start of the login's absolute lifetime."""
    request.session[LOGGED_IN_AT] = timezone.now().timestamp()


class SessionLifetimeMiddleware:
    """Ends a login SESSION_ABSOLUTE_SECONDS after it began, however active it has been."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            logged_in_at = request.session.setdefault(LOGGED_IN_AT, now)
            if now - logged_in_at > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


def is_verified(request: HttpRequest) -> bool:
    """The session passed a second factor (django_otp's OTPMiddleware marks the user)."""
    return bool(getattr(request.user, "otp_device", None))


def has_confirmed_device(request: HttpRequest) -> bool:
    """Whether the user has an authenticator app, looked up once per session."""
    if HAS_DEVICE not in request.session:
        request.session[HAS_DEVICE] = user_has_device(request.user, confirmed=True)
    return bool(request.session[HAS_DEVICE])


def _redirect_keeping_next(view_name: str, request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse(view_name)}?{urlencode({'next': request.get_full_path()})}")


class SecondFactorMiddleware:
    """A user with an authenticator app gives a code after the password; with REQUIRE_ADMIN_2FA an
    administrator without one must set one up before any other page."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: object, args: object, kwargs: object
    ) -> HttpResponse | None:
        user = request.user
        match = request.resolver_match
        if not user.is_authenticated or match is None or match.view_name in PAGES_BEFORE_SECOND_FACTOR:
            return None
        if is_verified(request):
            return None
        if has_confirmed_device(request):
            return _redirect_keeping_next("accounts:two_factor_verify", request)
        if settings.REQUIRE_ADMIN_2FA and user.is_administrator:
            return _redirect_keeping_next("accounts:two_factor_setup", request)
        return None


class PasswordChangeRequiredMiddleware:
    """A user whose password an administrator set chooses their own before reaching any other page."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: object, args: object, kwargs: object
    ) -> HttpResponse | None:
        user = request.user
        match = request.resolver_match
        if not user.is_authenticated or not user.must_change_password:
            return None
        if match is None or match.view_name in PAGES_BEFORE_PASSWORD_CHANGE:
            return None
        return redirect("accounts:password_change")
