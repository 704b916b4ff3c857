"""Celery tasks of partnerships. Queued by name through the job outbox (jobs/), never
imported by the services."""

from celery import shared_task

from jobs.tasks import JOB_TASK
from partnerships import services


@shared_task(name=services.SEND_INVITATION_TASK, **JOB_TASK)
def send_invitation(invitation_id: int, site_url: str) -> int:
    """The invitation's email, sent after the commit (see services.invitation_send).

    A mail server that is down makes the task raise: its job stays open and the outbox
    sweep sends it again after the task's time limit, up to CSP_JOB_MAX_RUNS times.
    """
    return services.invitation_email_send(invitation_id=invitation_id, site_url=site_url)
