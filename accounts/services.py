"""Writes of accounts: password reset requests and sign-in lockouts."""

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction

from accounts import throttle
from accounts.models import User

RESET_EMAIL_TEMPLATE = "accounts/email/password_reset.txt"
RESET_SUBJECT_TEMPLATE = "accounts/email/password_reset_subject.txt"


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
    from accounts.tasks import send_password_reset

    transaction.on_commit(lambda: send_password_reset.delay(email, domain, use_https))
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
