"""Celery tasks of reporting: thin wrappers over the services, taking ids.

Every task is safe to run twice, and acknowledged late so a killed worker's task is
delivered again (the settings say the same for every task; these say it themselves).
"""

from smtplib import SMTPException
from typing import Any, TypedDict

from celery import Task, shared_task

from csp_tracker import clock
from reporting import services
from reporting.models import ExceptionReport


class TaskOptions(TypedDict):
    acks_late: bool
    reject_on_worker_lost: bool


TASK_OPTIONS: TaskOptions = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(bind=True, name="reporting.build_exception_report", **TASK_OPTIONS)
def build_exception_report(self: Task[Any, Any], report_id: int) -> str:
    report = services.exception_report_build(report_id=report_id, task_id=self.request.id or "")
    return report.status if report is not None else "skipped"


@shared_task(name="reporting.build_quarter_reports", **TASK_OPTIONS)
def build_quarter_reports() -> int:
    """Every partnership's report for the quarter that has just ended."""
    quarter = clock.current_quarter().previous
    return len(services.exception_reports_schedule(quarter=quarter))


@shared_task(name="reporting.send_update_reminders", **TASK_OPTIONS)
def send_update_reminders() -> int:
    return services.update_reminders_send()


@shared_task(name="reporting.fail_stale_report_builds", **TASK_OPTIONS)
def fail_stale_report_builds() -> int:
    return services.exception_reports_fail_stale()


@shared_task(
    name="reporting.notify_executives",
    autoretry_for=(OSError, SMTPException),
    retry_backoff=60,
    max_retries=6,
    **TASK_OPTIONS,
)
def notify_executives(report_id: int) -> int:
    """Email the executive members that a report is ready; retried while mail is down."""
    report = ExceptionReport.objects.select_related("partnership").get(pk=report_id)
    return services.exception_report_notify(report=report)
