"""Reads of background jobs, for the pages that show a report or version waiting."""

from jobs.models import Job


def job_for_task(*, task_id: str) -> Job | None:
    """The job that carries this task id (a report's or version's ``task_id``)."""
    if not task_id:
        return None
    return Job.objects.filter(task_id=task_id).first()


def job_for_key(*, key: str) -> Job | None:
    """The job a form's idempotency key already queued, if any."""
    if not key:
        return None
    return Job.objects.filter(key=key).first()


def jobs_finished(*, task_ids: list[str]) -> set[str]:
    """Which of these task ids belong to jobs that will not run again (done, or given up
    after too many runs): a row they left unfinished is stuck."""
    return set(
        Job.objects.filter(
            task_id__in=task_ids, state__in=[Job.State.DONE, Job.State.GIVEN_UP]
        ).values_list("task_id", flat=True)
    )


def jobs_known(*, task_ids: list[str]) -> set[str]:
    """Which of these task ids have a job at all (rows from before the outbox do not)."""
    return set(Job.objects.filter(task_id__in=task_ids).values_list("task_id", flat=True))
