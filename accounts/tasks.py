"""Celery tasks of accounts. Queued by name through the job outbox (jobs/), never
imported by the services."""

from celery import shared_task

from accounts import services
from jobs.tasks import JOB_TASK


@shared_task(name=services.SEND_PASSWORD_RESET_TASK, **JOB_TASK)
def send_password_reset(email: str, domain: str, use_https: bool) -> int:
    """The reset email, sent outside the request (see services.password_reset_request).

    A mail server that is down makes the task raise: its job stays open and the outbox
    sweep sends it again after the task's time limit, up to CSP_JOB_MAX_RUNS times.
    """
    return services.password_reset_send(email=email, domain=domain, use_https=use_https)
