"""Account pages: change one's password, set up an authenticator app, give its code after the password."""

from base64 import b32encode
from binascii import unhexlify
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts import services
from accounts.access import AuthenticatedRequest
from accounts.forms import EnrolmentForm, TokenForm
from accounts.middleware import HAS_DEVICE

SETUP_KEY = "otp_setup_key"
TOTP_TOLERANCE_STEPS = 1


def _next_page(request: AuthenticatedRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if allowed else reverse("home")


def _redirect_keeping_next(view_name: str, request: AuthenticatedRequest) -> HttpResponse:
    return redirect(f"{reverse(view_name)}?{urlencode({'next': _next_page(request)})}")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    @transaction.atomic
    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed_by_user(user=self.request.user)  # type: ignore[arg-type]
        messages.success(self.request, "Your password has been changed.")
        return response


@login_required
def two_factor_setup(request: AuthenticatedRequest) -> HttpResponse:
    """Show a new secret (and its otpauth:// address); a correct code from the app stores it as a device."""
    if user_has_device(request.user, confirmed=True):
        return _redirect_keeping_next("accounts:two_factor_verify", request)
    key = request.session.setdefault(SETUP_KEY, random_hex(20))
    needs_code = services.needs_enrolment_code(request.user)
    form = (EnrolmentForm if needs_code else TokenForm)(request.POST or None)
    if form.is_valid():
        if TOTP(unhexlify(key)).verify(int(form.cleaned_data["token"]), tolerance=TOTP_TOLERANCE_STEPS):
            try:
                device = services.add_totp_device(
                    user=request.user, key=key, enrolment_code=form.cleaned_data.get("enrolment_code", "")
                )
            except services.EnrolmentRefused as refused:
                form.add_error("enrolment_code", str(refused))
                return _setup_page(request, form, key)
            otp_login(request, device)
            del request.session[SETUP_KEY]
            request.session[HAS_DEVICE] = True
            messages.success(
                request, "Your authenticator app is set up: you will be asked for a code at login."
            )
            return redirect(_next_page(request))
        form.add_error("token", "That code does not match: check the app's clock and try the next code.")
    return _setup_page(request, form, key)


def _setup_page(request: AuthenticatedRequest, form: TokenForm, key: str) -> HttpResponse:
    unsaved = TOTPDevice(user=request.user, key=key)
    context = {
        "form": form,
        "secret": b32encode(unsaved.bin_key).decode(),
        "config_url": unsaved.config_url,
        "next": _next_page(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
def two_factor_verify(request: AuthenticatedRequest) -> HttpResponse:
    """After the password, the code of the user's authenticator app."""
    if not user_has_device(request.user, confirmed=True):
        return _redirect_keeping_next("accounts:two_factor_setup", request)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_page(request))
        form.add_error("token", "That code is not right, or too many tries: wait for the next code.")
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_page(request)})
