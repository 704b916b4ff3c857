"""Writes for exception reports: queue a build, build it, fail stale builds, remind."""

import hashlib
import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse

from accounts.models import User
from csp_tracker import clock
from csp_tracker.periods import Quarter, format_date
from plans.models import Partnership
from reporting import reminders, selectors
from reporting.models import ExceptionReport, UpdateReminder
from reporting.snapshot import exception_report_snapshot, partnerships_with_plans_for

logger = logging.getLogger(__name__)

STALE_BUILD_AFTER = timedelta(minutes=15)
STALE_QUEUE_AFTER = timedelta(hours=2)
REMINDER_DAYS = (14, 3)


def _enqueue(report: ExceptionReport) -> None:
    from reporting.tasks import build_exception_report

    task_id = report.task_id
    transaction.on_commit(
        lambda: build_exception_report.apply_async(args=[report.pk], task_id=task_id)
    )


def exception_report_request(
    *,
    partnership: Partnership,
    quarter: Quarter,
    requested_by: User | None = None,
    notify_executives: bool = False,
    only_if_missing: bool = False,
) -> ExceptionReport:
    """Queue a build of the partnership's report for the quarter: a new revision.

    Idempotent: while a build of the same partnership and quarter is queued or building,
    a second request returns that one (the partnership row is locked so two requests at
    once queue one build; a partial unique constraint holds the same on every database).
    With ``only_if_missing`` (the schedule), a quarter that already has a ready report is
    left alone.
    """
    with transaction.atomic():
        Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
        existing = ExceptionReport.objects.filter(
            partnership=partnership, financial_year=quarter.financial_year, quarter=quarter.number
        )
        active = existing.filter(
            status__in=[ExceptionReport.Status.QUEUED, ExceptionReport.Status.BUILDING]
        ).first()
        if active is not None:
            return active
        if only_if_missing:
            # An interim build during the quarter is not the quarter's report.
            ready = existing.filter(
                status=ExceptionReport.Status.READY, snapshot__interim=False
            ).first()
            if ready is not None:
                return ready
        revision = (existing.aggregate(top=Max("revision"))["top"] or 0) + 1
        try:
            with transaction.atomic():
                report = ExceptionReport.objects.create(
                    partnership=partnership,
                    financial_year=quarter.financial_year,
                    quarter=quarter.number,
                    revision=revision,
                    requested_by=requested_by,
                    notify_executives=notify_executives,
                    task_id=str(uuid.uuid4()),
                    created_at=clock.now(),
                )
        except IntegrityError:
            # Another request won the race (only possible where rows cannot be locked).
            return existing.filter(
                status__in=[ExceptionReport.Status.QUEUED, ExceptionReport.Status.BUILDING]
            ).get()
        _enqueue(report)
    return report


def exception_report_rebuild(*, report: ExceptionReport, requested_by: User) -> ExceptionReport:
    """Build the report's quarter again ("Try again" after a failure): a new revision."""
    return exception_report_request(
        partnership=report.partnership, quarter=report.quarter_obj, requested_by=requested_by
    )


def exception_reports_schedule(*, quarter: Quarter) -> list[ExceptionReport]:
    """Queue every partnership's report for the quarter (the quarterly schedule).

    Safe to run again: a quarter with a ready or running build is not built twice.
    """
    return [
        exception_report_request(
            partnership=partnership,
            quarter=quarter,
            notify_executives=True,
            only_if_missing=True,
        )
        for partnership in partnerships_with_plans_for(quarter=quarter)
    ]


def _claim(report_id: int, task_id: str) -> ExceptionReport | None:
    """Move the report from queued to building, or None if it is not this task's to build.

    A redelivered task (its worker was killed) finds its own report still building and
    takes it again; any other task finds nothing to do.
    """
    with transaction.atomic():
        report = (
            ExceptionReport.objects.select_for_update()
            .select_related("partnership")
            .filter(pk=report_id)
            .first()
        )
        if report is None:
            return None
        mine = not report.task_id or report.task_id == task_id
        redelivered = report.status == ExceptionReport.Status.BUILDING and mine
        if report.status != ExceptionReport.Status.QUEUED and not redelivered:
            return None
        report.status = ExceptionReport.Status.BUILDING
        report.started_at = clock.now()
        report.task_id = task_id or report.task_id
        report.save(update_fields=["status", "started_at", "task_id"])
        return report


def exception_report_build(*, report_id: int, task_id: str = "") -> ExceptionReport | None:
    """Build a queued report: the snapshot, then the PDF. Never leaves it building:
    any error marks it failed with the reason."""
    report = _claim(report_id, task_id)
    if report is None:
        logger.info("Exception report %s is not queued; nothing to build", report_id)
        return None
    try:
        snapshot = exception_report_snapshot(
            partnership=report.partnership, quarter=report.quarter_obj
        )
        pdf = _render_pdf(report, snapshot)
    except Exception as exc:
        logger.exception("Exception report %s failed", report_id)
        ExceptionReport.objects.filter(pk=report.pk).update(
            status=ExceptionReport.Status.FAILED,
            failure_reason=f"{type(exc).__name__}: {exc}"[:2000],
        )
        report.refresh_from_db()
        return report
    with transaction.atomic():
        current = ExceptionReport.objects.select_for_update().get(pk=report.pk)
        if current.status != ExceptionReport.Status.BUILDING:
            # Marked failed as stale while this build ran long: its "Try again" revision
            # is the one that counts now.
            logger.warning(
                "Exception report %s is %s; not saving a late build", report.pk, current.status
            )
            return current
        report.snapshot = snapshot
        report.counts = {
            row["key"]: row["count"]
            for row in snapshot["summary"]["totals"]  # type: ignore[index]
        }
        report.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        report.pdf.save(f"{report.pk}.pdf", ContentFile(pdf), save=False)
        report.status = ExceptionReport.Status.READY
        report.built_at = clock.now()
        report.failure_reason = ""
        report.save()
    if report.notify_executives:
        # A task of its own, so a mail server that is down is tried again later without
        # building the report again.
        from reporting.tasks import notify_executives

        notify_executives.delay(report.pk)
    return report


def _render_pdf(report: ExceptionReport, snapshot: dict[str, object]) -> bytes:
    from reporting.pdf import render_pdf, unprintable_problem

    rendered = render_pdf(
        template_name="reporting/pdf/exception_report.html",
        context={
            "report": report,
            "snapshot": snapshot,
            "pdf": True,
            "site_url": settings.CSP_SITE_URL.rstrip("/"),
        },
    )
    if rendered.refused_urls:
        logger.warning("Exception report %s refused URLs: %s", report.pk, rendered.refused_urls)
    if rendered.unprintable:
        # The report is still built (the executive needs it); the log says what is missing.
        logger.warning(
            "Exception report %s: %s", report.pk, unprintable_problem(rendered.unprintable)
        )
    return rendered.pdf


def exception_report_notify(*, report: ExceptionReport) -> int:
    """Email the executive members that the report is ready. Once per report."""
    with transaction.atomic():
        claimed = ExceptionReport.objects.filter(
            pk=report.pk, status=ExceptionReport.Status.READY, notified_at__isnull=True
        ).update(notified_at=clock.now())
        if not claimed:
            return 0
        recipients = selectors.executive_emails(partnership=report.partnership)
        if not recipients:
            return 0
        url = settings.CSP_SITE_URL.rstrip("/") + reverse(
            "reporting:detail", kwargs={"pk": report.pk}
        )
        quarter = report.quarter_obj
        subject = f"{report.partnership.short_name} exception report for {quarter} is ready"
        body = (
            f"The exception report for {report.partnership.name}, {quarter} "
            f"({quarter.months_label}), is ready.\n\n"
            f"Read it or download the PDF for the meeting pack:\n{url}\n\n"
            "It shows the actions that are off track or at risk, overdue milestones, "
            "actions with no update this quarter, what got worse and what was completed.\n\n"
            "You get this email because you are an executive member of the partnership "
            "in CSP Tracker."
        )
        # One email per person: executives do not see each other's addresses.
        for email in recipients:
            send_mail(subject, body, None, [email])
    return len(recipients)


def exception_reports_fail_stale(*, now: object | None = None) -> int:
    """Mark builds stuck for too long as failed, so none stays "building" for ever."""
    now = now or clock.now()
    stuck = ExceptionReport.objects.filter(
        Q(status=ExceptionReport.Status.BUILDING, started_at__lt=now - STALE_BUILD_AFTER)
        | Q(status=ExceptionReport.Status.QUEUED, created_at__lt=now - STALE_QUEUE_AFTER)
    )
    return stuck.update(
        status=ExceptionReport.Status.FAILED,
        failure_reason="The build did not finish in time (the worker may have stopped). Try again.",
    )


def update_reminders_send(*, today: object | None = None) -> int:
    """Remind lead officers of actions with no update, 14 and 3 days before the
    quarter's update deadline (its last day). Safe to run again: each reminder is
    recorded and never sent twice; a missed day is caught up while the window is open."""
    today = today or clock.today()
    quarter = Quarter.containing(today)  # type: ignore[arg-type]
    deadline = quarter.end
    days_left = (deadline - today).days  # type: ignore[operator]
    due = [d for d in REMINDER_DAYS if days_left <= d]
    if not due or days_left < 0:
        return 0
    days_before = min(due)  # the nearest window: 3 once inside it, else 14
    sent = 0
    for item in reminders.reminder_recipients(quarter=quarter):
        membership = item.membership
        with transaction.atomic():
            _, created = UpdateReminder.objects.get_or_create(
                membership=membership,
                financial_year=quarter.financial_year,
                quarter=quarter.number,
                days_before=days_before,
                defaults={"sent_at": clock.now(), "action_count": len(item.actions)},
            )
            if not created:
                continue
            lines = "\n".join(
                f"- {a.reference} {a.title}\n  {settings.CSP_SITE_URL.rstrip('/')}"
                f"{reverse('actions:update', kwargs={'pk': a.pk})}"
                for a in item.actions
            )
            count = len(item.actions)
            send_mail(
                f"{count} action{'s' if count != 1 else ''} need your {quarter} update "
                f"by {format_date(deadline)}",
                f"Hello {membership.user.get_short_name()},\n\n"
                f"{membership.agency} leads {count} action{'s' if count != 1 else ''} in "
                f"{membership.partnership.name} with no {quarter} update yet. Updates are due "
                f"by {format_date(deadline)} ({days_left} day{'s' if days_left != 1 else ''} "
                f"from today).\n\n{lines}\n\n"
                "The executive group's exception report lists every action with no update "
                "this quarter.",
                None,
                [membership.user.email],
            )
            sent += 1
    return sent
