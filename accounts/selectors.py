"""Reads of accounts: a person's two-factor sign-in."""

from dataclasses import dataclass

import rules
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User


def two_factor_required(*, user: User) -> bool:
    """Whether user must sign in with a second factor (the rule is in plans.rules)."""
    return bool(rules.test_rule("accounts.two_factor_required", user))


def two_factor_device(*, user: User) -> TOTPDevice | None:
    """The authenticator app user has set up, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


@dataclass(frozen=True)
class TwoFactorStatus:
    required: bool
    turned_on: bool
    recovery_codes_left: int


def two_factor_status(*, user: User) -> TwoFactorStatus:
    return TwoFactorStatus(
        required=two_factor_required(user=user),
        turned_on=two_factor_device(user=user) is not None,
        recovery_codes_left=StaticToken.objects.filter(
            device__user=user, device__confirmed=True
        ).count(),
    )
