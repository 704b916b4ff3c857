"""The Celery tasks of publishing. Each takes an id and calls the service; safe to run
twice (the service does nothing once the version has left "rendering")."""

from celery import shared_task
from django.conf import settings

from jobs.tasks import JobTask
from publishing import services


@shared_task(
    base=JobTask,
    name=services.RENDER_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    # Rendering and checking a PDF: the longer limits of PDF renders.
    soft_time_limit=settings.CSP_PDF_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CSP_PDF_TASK_TIME_LIMIT,
)
def plan_version_render_task(version_id: int) -> str:
    return services.plan_version_render(version_id=version_id)


@shared_task(name="publishing.fail_stale_renders", acks_late=True, ignore_result=True)
def fail_stale_renders() -> int:
    return services.plan_versions_fail_stale()
