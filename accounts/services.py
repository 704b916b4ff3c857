"""Writes of accounts: password reset requests, sign-in lockouts and two-factor sign-in."""

import math
from dataclasses import dataclass

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import throttle
from accounts.models import User
from accounts.selectors import two_factor_required
from jobs.services import job_record

RESET_EMAIL_TEMPLATE = "accounts/email/password_reset.txt"
RESET_SUBJECT_TEMPLATE = "accounts/email/password_reset_subject.txt"
SEND_PASSWORD_RESET_TASK = "accounts.send_password_reset"


def password_reset_request(*, email: str, address: str, domain: str, use_https: bool) -> bool:
    """Ask for a reset link for email; False if this email or address asked too often.

    The request does the same work whether or not an account uses the address: it counts,
    then queues the email task, which looks the account up and sends (or not) outside the
    request. So the answer takes the same time for a known and an unknown email.
    """
    window = settings.PASSWORD_RESET_LIMIT_WINDOW
    # Both are counted every time, so a refused request still uses up the window.
    by_address = throttle.counted_within(
        key=f"password-reset:address:{throttle.hashed(address)}",
        limit=settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
        window=window,
    )
    by_email = throttle.counted_within(
        key=f"password-reset:email:{throttle.hashed(email.strip().lower())}",
        limit=settings.PASSWORD_RESET_LIMIT_PER_EMAIL,
        window=window,
    )
    if not (by_address and by_email):
        return False
    # Queued through the job outbox, by task name, like every job (jobs/services.py).
    job_record(name=SEND_PASSWORD_RESET_TASK, args=[email, domain, use_https])
    return True


def password_reset_send(*, email: str, domain: str, use_https: bool) -> int:
    """Email a reset link to the active account with this address, if any (Django's own
    PasswordResetForm: its user lookup, token and message); the number of emails sent."""
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return 0
    sent = len(list(form.get_users(form.cleaned_data["email"])))
    form.save(
        domain_override=domain,
        use_https=use_https,
        email_template_name=RESET_EMAIL_TEMPLATE,
        subject_template_name=RESET_SUBJECT_TEMPLATE,
    )
    return sent


def user_sign_in_failures_clear(*, user: User) -> int:
    """Forget the failed sign-ins of user's account (django-axes), so a locked-out owner
    who has proved they hold the email address can sign in again."""
    return axes_reset(username=user.get_username())


APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10


def two_factor_setup_start(*, user: User) -> TOTPDevice:
    """The new key for user's authenticator app: the same one until a code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


@dataclass(frozen=True)
class TwoFactorCheck:
    """The device that accepted a code (None: the code is wrong, or it came too soon)."""

    device: Device | None
    # After several wrong codes django-otp makes each next try wait longer (1, 2, 4… s).
    wait_seconds: int = 0
    # New recovery codes, when the code turned an app on.
    recovery_codes: tuple[str, ...] = ()


def _verify(device: TOTPDevice | StaticDevice, token: str) -> TwoFactorCheck:
    allowed, details = device.verify_is_allowed()
    if not allowed:
        locked_until = (details or {}).get("locked_until")
        wait = (locked_until - timezone.now()).total_seconds() if locked_until else 1
        return TwoFactorCheck(device=None, wait_seconds=max(1, math.ceil(wait)))
    return TwoFactorCheck(device=device if device.verify_token(token) else None)


@transaction.atomic
def two_factor_setup_confirm(*, user: User, code: str) -> TwoFactorCheck:
    """Turn on the app being set up if code is one of its codes, replacing any earlier app
    and the recovery codes."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("-pk")
        .first()
    )
    if device is None:
        return TwoFactorCheck(device=None)
    check = _verify(device, code.strip())
    if check.device is None:
        return check
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_renew(user=user)
    return TwoFactorCheck(device=device, recovery_codes=tuple(codes))


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """New single-use recovery codes for user; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_turn_off(*, user: User) -> None:
    """Sign in with a password only again, for those who may."""
    if two_factor_required(user=user):
        raise PermissionDenied("Superusers and county admins must use two-factor sign-in")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def recovery_code_clean(code: str) -> str:
    """Recovery codes as people type them: any case, with spaces or a hyphen."""
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def two_factor_check(*, user: User, code: str, recovery: bool) -> TwoFactorCheck:
    """Whether code is the current code of user's authenticator app (or, with recovery,
    one of their unused recovery codes, which it then uses up)."""
    model: type[TOTPDevice] | type[StaticDevice] = StaticDevice if recovery else TOTPDevice
    device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None:
        return TwoFactorCheck(device=None)
    token = recovery_code_clean(code) if recovery else code.strip()
    return _verify(device, token)


def two_factor_device_provision(*, user: User, key: str, name: str) -> TOTPDevice:
    """Give user an authenticator app with a known key (hex), as the demo does; the same
    key again changes nothing."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True, key=key).first()
    if device is not None:
        return device
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=name, key=key, confirmed=True)
