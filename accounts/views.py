"""The sign-in, two-factor and password pages: Django's auth views, with the service's rules.

Signing in with two factors: the password page checks the password (django-axes counts
the failures) and, for a person with an authenticator app or who must have one, only
notes in the session who is half signed in. The person is signed in (django.contrib.auth
login) only when the second factor is right, so no session of theirs ever exists on a
password alone.
"""

import base64
import time
from dataclasses import dataclass
from typing import Any

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.crypto import constant_time_compare
from django.utils.decorators import method_decorator
from django.utils.safestring import SafeString, mark_safe
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import selectors, services, throttle
from accounts.forms import (
    NewPasswordForm,
    RecoveryCodeForm,
    ResetRequestForm,
    SignInForm,
    TwoFactorCodeForm,
    too_many_tries,
)
from accounts.models import User

TOO_MANY_RESETS = "You have asked for too many password reset links. Wait 1 hour, then try again"
PENDING = "accounts.two_factor_pending"
NEW_CODES = "accounts.recovery_codes"


@dataclass(frozen=True)
class PendingSignIn:
    """A person who has given the right password and not yet the second factor."""

    user: User
    backend: str
    next_url: str


def _pending_begin(request: HttpRequest, user: User, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "next": next_url,
        "started": time.time(),
        # A password changed meanwhile ends the half sign-in, as it ends sessions.
        "hash": user.get_session_auth_hash(),
    }


def _pending(request: HttpRequest) -> PendingSignIn | None:
    data = request.session.get(PENDING)
    if not data:
        return None
    if time.time() - data["started"] > settings.TWO_FACTOR_PENDING_SECONDS:
        del request.session[PENDING]
        return None
    user = User.objects.filter(pk=data["user"], is_active=True).first()
    if user is None or not constant_time_compare(user.get_session_auth_hash(), data["hash"]):
        del request.session[PENDING]
        return None
    return PendingSignIn(user=user, backend=data["backend"], next_url=data["next"])


def _sign_in(request: HttpRequest, pending: PendingSignIn, device: Device) -> None:
    """Sign the person in, the session marked as verified by device (django-otp)."""
    del request.session[PENDING]
    auth_login(request, pending.user, backend=pending.backend)
    django_otp.login(request, device)


def _person(request: HttpRequest) -> User:
    """The signed-in person (the views that call this require one)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _session_verified(request: HttpRequest) -> bool:
    """Whether this session was signed in with a second factor (django-otp's middleware
    sets otp_device on the user)."""
    return getattr(request.user, "otp_device", None) is not None


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        has_app = selectors.two_factor_device(user=user) is not None
        if not has_app and not selectors.two_factor_required(user=user):
            return super().form_valid(form)
        _pending_begin(self.request, user, self.get_success_url())
        return redirect("accounts:two_factor_code" if has_app else "accounts:two_factor_setup")


@method_decorator(never_cache, name="dispatch")
class SignInCodeView(FormView):
    """The second factor at sign-in: the authenticator app's code."""

    template_name = "accounts/sign_in_code.html"
    form_class: type[TwoFactorCodeForm] | type[RecoveryCodeForm] = TwoFactorCodeForm
    recovery = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            return redirect(settings.LOGIN_REDIRECT_URL)
        pending = _pending(request)
        if pending is None:
            return redirect("accounts:login")
        self.pending = pending
        if selectors.two_factor_device(user=pending.user) is None:
            return redirect("accounts:two_factor_setup")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: TwoFactorCodeForm | RecoveryCodeForm) -> HttpResponse:
        check = services.two_factor_check(
            user=self.pending.user, code=form.cleaned_data["code"], recovery=self.recovery
        )
        if check.device is None:
            wrong = too_many_tries(check.wait_seconds) if check.wait_seconds else None
            form.add_error("code", wrong or form.wrong_message)
            return self.form_invalid(form)
        _sign_in(self.request, self.pending, check.device)
        if self.recovery:
            left = selectors.two_factor_status(user=self.pending.user).recovery_codes_left
            messages.info(
                self.request,
                f"You signed in with a recovery code. You have {left} left: "
                "get new ones on the two-factor sign-in page if you need to.",
            )
        return HttpResponseRedirect(self.pending.next_url)


class SignInRecoveryCodeView(SignInCodeView):
    """The second factor at sign-in, without the app: one of the recovery codes."""

    template_name = "accounts/sign_in_recovery_code.html"
    form_class = RecoveryCodeForm
    recovery = True


def _qr_code(url: str) -> SafeString:
    """The set-up link as an inline SVG QR code, drawn here (segno escapes the title)."""
    svg = segno.make(url, error="m").svg_inline(
        scale=4, title="QR code to scan with your authenticator app", svgclass="app-qr-code"
    )
    # segno's own markup, with nothing of the person's in it but the escaped URL.
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))


def _key_groups(device: TOTPDevice) -> str:
    """The key as people type it into an app: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@method_decorator(never_cache, name="dispatch")
class TwoFactorSetupView(FormView):
    """Set up an authenticator app: signed in, or half signed in and required to."""

    template_name = "accounts/two_factor_setup.html"
    form_class = TwoFactorCodeForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.pending = None if request.user.is_authenticated else _pending(request)
        if request.user.is_authenticated:
            self.person = _person(request)
            # Replacing an app needs a session the app signed in (or no app yet).
            if selectors.two_factor_device(user=self.person) and not _session_verified(request):
                raise PermissionDenied
        elif self.pending is not None:
            self.person = self.pending.user
        else:
            return redirect("accounts:login")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | {"button": "Turn on two-factor sign-in"}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        device = services.two_factor_setup_start(user=self.person)
        return super().get_context_data(**kwargs) | {
            "qr_code": _qr_code(device.config_url),
            "key": _key_groups(device),
            "required": selectors.two_factor_required(user=self.person),
            "replacing": selectors.two_factor_device(user=self.person) is not None,
        }

    def form_valid(self, form: TwoFactorCodeForm) -> HttpResponse:
        check = services.two_factor_setup_confirm(user=self.person, code=form.cleaned_data["code"])
        if check.device is None:
            wrong = too_many_tries(check.wait_seconds) if check.wait_seconds else None
            form.add_error("code", wrong or form.wrong_message)
            return self.form_invalid(form)
        if self.pending is not None:
            _sign_in(self.request, self.pending, check.device)
            next_url = self.pending.next_url
        else:
            django_otp.login(self.request, check.device)
            next_url = reverse("accounts:two_factor")
        self.request.session[NEW_CODES] = {"codes": check.recovery_codes, "next": next_url}
        return redirect("accounts:recovery_codes")


@method_decorator(never_cache, name="dispatch")
class RecoveryCodesView(LoginRequiredMixin, TemplateView):
    """New recovery codes, shown once."""

    template_name = "accounts/recovery_codes.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        shown = request.session.pop(NEW_CODES, None)
        if not shown:
            return redirect("accounts:two_factor")
        return self.render_to_response(
            self.get_context_data(codes=shown["codes"], next_url=shown["next"])
        )


class TwoFactorView(LoginRequiredMixin, TemplateView):
    """A person's two-factor sign-in: on or off, recovery codes left."""

    template_name = "accounts/two_factor.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        status = selectors.two_factor_status(user=_person(self.request))
        return super().get_context_data(**kwargs) | {"status": status}


def _verified_if_on(request: HttpRequest) -> User:
    """The signed-in person, refused if their app is on but this session did not use it."""
    user = _person(request)
    if selectors.two_factor_device(user=user) and not _session_verified(request):
        raise PermissionDenied
    return user


class RecoveryCodesNewView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        user = _verified_if_on(request)
        if selectors.two_factor_device(user=user) is None:
            return redirect("accounts:two_factor_setup")
        codes = services.recovery_codes_renew(user=user)
        request.session[NEW_CODES] = {"codes": codes, "next": reverse("accounts:two_factor")}
        return redirect("accounts:recovery_codes")


class TwoFactorOffView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        user = _verified_if_on(request)
        services.two_factor_turn_off(user=user)
        messages.success(request, "Two-factor sign-in is off")
        return redirect("accounts:two_factor")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = ResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        allowed = services.password_reset_request(
            email=form.cleaned_data["email"],
            address=throttle.client_address(self.request),
            domain=self.request.get_host(),
            use_https=self.request.is_secure(),
        )
        if not allowed:
            form.add_error("email", TOO_MANY_RESETS)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        # The reset link proved the email is theirs: a lockout no longer keeps them out.
        services.user_sign_in_failures_clear(user=form.user)
        return response
