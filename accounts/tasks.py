"""Celery tasks of accounts."""

from smtplib import SMTPException

from celery import shared_task

from accounts import services


@shared_task(
    name="accounts.send_password_reset",
    autoretry_for=(OSError, SMTPException),
    retry_backoff=30,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
)
def send_password_reset(email: str, domain: str, use_https: bool) -> int:
    """The reset email, sent outside the request (see services.password_reset_request)."""
    return services.password_reset_send(email=email, domain=domain, use_https=use_https)
