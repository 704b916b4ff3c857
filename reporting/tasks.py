"""Celery tasks of reporting: thin wrappers over the services, taking ids.

Every task is safe to run twice, and acknowledged late so a killed worker's task is
delivered again (the settings say the same for every task; these say it themselves).
The services queue them by name through the job outbox (jobs/), never by importing
this module.
"""

from typing import TypedDict

from celery import shared_task
from django.conf import settings

from jobs.tasks import JOB_TASK, JobTask
from reporting import services


class TaskOptions(TypedDict):
    acks_late: bool
    reject_on_worker_lost: bool


class TimeLimits(TypedDict):
    soft_time_limit: int
    time_limit: int


TASK_OPTIONS: TaskOptions = {"acks_late": True, "reject_on_worker_lost": True}
# A build renders a PDF: it has the longer limits of PDF renders.
PDF_LIMITS: TimeLimits = {
    "soft_time_limit": settings.CSP_PDF_TASK_SOFT_TIME_LIMIT,
    "time_limit": settings.CSP_PDF_TASK_TIME_LIMIT,
}


@shared_task(bind=True, name=services.BUILD_TASK, **JOB_TASK, **PDF_LIMITS)
def build_exception_report(self: JobTask, report_id: int) -> str:
    report = services.exception_report_build(report_id=report_id, task_id=self.request.id or "")
    return report.status if report is not None else "skipped"


@shared_task(name="reporting.build_quarter_reports", **TASK_OPTIONS)
def build_quarter_reports() -> int:
    """The daily sweep: the report of every partnership whose reporting calendar builds
    one today (by default the 5th day after each quarter ends)."""
    return len(services.exception_reports_schedule_by_calendar())


@shared_task(name="reporting.send_update_reminders", **TASK_OPTIONS)
def send_update_reminders() -> int:
    return services.update_reminders_send()


@shared_task(name="reporting.fail_stale_report_builds", **TASK_OPTIONS)
def fail_stale_report_builds() -> int:
    return services.exception_reports_fail_stale()


@shared_task(name=services.SEND_EMAILS_TASK, **JOB_TASK)
def send_emails() -> int:
    """Send the emails that are due; each failure is tried again later on its own."""
    return services.email_deliveries_send()
