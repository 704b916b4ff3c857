"""The outbox's side of the workers: the base class of every task sent through it, and
the sweep that sends jobs again."""

from typing import Any, TypedDict

from celery import Task, shared_task

from jobs import services


class JobTask(Task):
    """Base of the tasks queued with ``jobs.services.job_record``.

    Marks the job running and then done, and skips a job that is done already or was
    given up, so a duplicate message (a second send, a redelivery) does nothing. The
    task's own service still checks its row under a lock: that is what makes a job done
    exactly once; this only saves the work.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        task_id = self.request.id or ""
        if task_id and not services.job_start(task_id=task_id):
            return None
        try:
            result = super().__call__(*args, **kwargs)
        except Exception as exc:
            if task_id:
                services.job_finish(task_id=task_id, error=f"{type(exc).__name__}: {exc}")
            raise
        if task_id:
            services.job_finish(task_id=task_id)
        return result


class JobTaskOptions(TypedDict):
    base: type[JobTask]
    acks_late: bool
    reject_on_worker_lost: bool


# The options of a task queued through the outbox, ``@shared_task(name=…, **JOB_TASK)``:
# acknowledged late, so a killed worker's task is delivered again (JobTask makes that
# safe).
JOB_TASK: JobTaskOptions = {"base": JobTask, "acks_late": True, "reject_on_worker_lost": True}


@shared_task(name="jobs.resend", ignore_result=True)
def resend_jobs() -> int:
    return services.jobs_resend()
