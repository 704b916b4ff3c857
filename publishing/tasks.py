"""The Celery task that renders a version's PDF. Takes an id, calls the service; safe to
run twice (the service does nothing once the version has left "rendering")."""

from celery import shared_task


@shared_task(name="publishing.plan_version_render", acks_late=True, ignore_result=True)
def plan_version_render_task(version_id: int) -> str:
    from publishing.services import plan_version_render

    return plan_version_render(version_id=version_id)
