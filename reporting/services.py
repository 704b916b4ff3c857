"""Writes for exception reports: queue a build, build it, fail stale builds, remind, and
send the emails.

Work for a worker is queued one way, as everywhere: ``jobs.services.job_record`` in the
same transaction as the row, sent by task name after the commit (see jobs/services.py).
Emails are recorded one per recipient (EmailDelivery) in the transaction that decides to
send them, and sent by ``email_deliveries_send``.
"""

import hashlib
import logging
import smtplib
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from actions.models import Action, UpdateRequest
from actions.request_links import update_request_link
from actions.services import update_request_create
from csp_tracker import clock
from csp_tracker.periods import Quarter, financial_year_of, format_date
from jobs.selectors import job_for_key, jobs_finished, jobs_known
from jobs.services import job_record
from plans.models import Agency, Membership, Partnership
from plans.services import partnership_sign_off_set
from reporting import calendars, reminders, selectors
from reporting.models import (
    CalendarDate,
    EmailDelivery,
    ExceptionReport,
    ReminderDigest,
    ReportingCalendar,
    UpdateReminder,
)
from reporting.snapshot import (
    exception_report_snapshot,
    exception_report_snapshots,
    partnerships_with_plans_for,
)
from reporting.snapshot_types import ReportSnapshot

logger = logging.getLogger(__name__)

# Rows from before the job outbox have no job to ask: they are stale after these.
STALE_BUILD_AFTER = timedelta(minutes=15)
STALE_QUEUE_AFTER = timedelta(hours=2)

# The tasks this module queues, by name (reporting/tasks.py).
BUILD_TASK = "reporting.build_exception_report"
SEND_EMAILS_TASK = "reporting.send_emails"
IN_PROGRESS = (ExceptionReport.Status.QUEUED, ExceptionReport.Status.BUILDING)


def _build_key(partnership: Partnership, request_key: str) -> str:
    return f"{BUILD_TASK}:{partnership.pk}:{request_key}" if request_key else ""


def _report_for_key(partnership: Partnership, request_key: str) -> ExceptionReport | None:
    job = job_for_key(key=_build_key(partnership, request_key))
    if job is None:
        return None
    return ExceptionReport.objects.filter(pk=job.args[0], partnership=partnership).first()


def exception_report_request(
    *,
    partnership: Partnership,
    quarter: Quarter,
    requested_by: User | None = None,
    notify_executives: bool = False,
    only_if_missing: bool = False,
    request_key: str = "",
) -> ExceptionReport:
    """Queue a build of the partnership's report for the quarter: a new revision.

    Idempotent: while a build of the same partnership and quarter is queued or building,
    a second request returns that one (the partnership row is locked so two requests at
    once queue one build; a partial unique constraint holds the same on every database).
    A ``request_key`` (the form's idempotency key) that already queued a build returns
    that build, however far it got, so a double submit makes one revision. With
    ``only_if_missing`` (the schedule), a quarter that already has a ready report is
    left alone.
    """
    with transaction.atomic():
        Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
        again = _report_for_key(partnership, request_key)
        if again is not None:
            return again
        existing = ExceptionReport.objects.filter(partnership=partnership, **quarter.columns)
        active = existing.filter(status__in=IN_PROGRESS).first()
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
                    **quarter.columns,
                    revision=revision,
                    requested_by=requested_by,
                    notify_executives=notify_executives,
                    task_id=str(uuid.uuid4()),
                    created_at=clock.now(),
                )
                job_record(
                    name=BUILD_TASK,
                    args=[report.pk],
                    task_id=report.task_id,
                    key=_build_key(partnership, request_key),
                )
        except IntegrityError:
            # Another request won the race (only possible where rows cannot be locked).
            again = _report_for_key(partnership, request_key)
            return again or existing.filter(status__in=IN_PROGRESS).get()
    return report


def exception_report_rebuild(
    *, report: ExceptionReport, requested_by: User | None, request_key: str = ""
) -> ExceptionReport:
    """Build the report's quarter again ("Try again" after a failure): a new revision."""
    return exception_report_request(
        partnership=report.partnership,
        quarter=report.quarter_obj,
        requested_by=requested_by,
        request_key=request_key,
    )


def exception_reports_schedule(*, quarter: Quarter) -> list[ExceptionReport]:
    """Queue every partnership's report for the quarter (the quarterly schedule).

    Safe to run again: a quarter with a ready or running build is not built twice.
    """
    with transaction.atomic():
        reports = [
            exception_report_request(
                partnership=partnership,
                quarter=quarter,
                notify_executives=True,
                only_if_missing=True,
            )
            for partnership in partnerships_with_plans_for(quarter=quarter)
        ]
        _snapshots_take(reports)
    return reports


def _snapshots_take(reports: list[ExceptionReport]) -> None:
    """Take the snapshots of a sweep's newly queued reports at once, set-based (a few
    queries for every partnership, not a few each), before their builds are sent to the
    workers (on commit); each build then only renders its PDF, in parallel. The sweep's
    time is the reports' cut-off. A build that finds no snapshot takes its own."""
    queued: dict[Quarter, list[ExceptionReport]] = defaultdict(list)
    for report in reports:
        if report.status == ExceptionReport.Status.QUEUED and not report.snapshot:
            queued[report.quarter_obj].append(report)
    for quarter, group in queued.items():
        snapshots = exception_report_snapshots(
            partnerships=[report.partnership for report in group], quarter=quarter
        )
        for report in group:
            report.snapshot = snapshots[report.partnership_id]
            ExceptionReport.objects.filter(
                pk=report.pk, status=ExceptionReport.Status.QUEUED
            ).update(snapshot=report.snapshot)


# A build day the beat missed (it was down) is caught up on the days after it.
SCHEDULE_CATCH_UP_DAYS = 6


def exception_reports_schedule_by_calendar(*, today: date | None = None) -> list[ExceptionReport]:
    """Queue the report of every partnership whose calendar builds one today (or did in
    the last few days, should the beat have missed it): the daily sweep.

    Safe to run again: each round's build carries its own key (``request_key``), so the
    same round is queued once, and a quarter that already has its ready report is left
    alone (``only_if_missing``).
    """
    today = today or clock.today()
    with transaction.atomic():
        queued = _calendar_rounds_request(today)
        _snapshots_take(queued)
    return queued


def _calendar_rounds_request(today: date) -> list[ExceptionReport]:
    partnerships = list(Partnership.objects.order_by("name"))
    rules = selectors.calendar_rules(partnership_ids=[p.pk for p in partnerships])
    with_plans: dict[Quarter, set[int]] = {}
    queued = []
    for partnership in partnerships:
        for due_round in calendars.rounds_near(rules[partnership.pk], day=today):
            late = (today - due_round.build_on).days
            if not 0 <= late <= SCHEDULE_CATCH_UP_DAYS:
                continue
            if due_round.quarter not in with_plans:
                with_plans[due_round.quarter] = set(
                    partnerships_with_plans_for(quarter=due_round.quarter).values_list(
                        "pk", flat=True
                    )
                )
            if partnership.pk not in with_plans[due_round.quarter]:
                continue
            queued.append(
                exception_report_request(
                    partnership=partnership,
                    quarter=due_round.quarter,
                    notify_executives=True,
                    only_if_missing=True,
                    request_key=f"calendar:{due_round.quarter.slug}:{due_round.build_on}",
                )
            )
    return queued


@dataclass(frozen=True)
class CalendarData:
    due_rule: str
    grace_days: int
    build_rule: str
    build_days: int
    due_dates: list[date]
    meetings: list[date]
    sign_off: bool = False


def calendar_save(
    *, partnership: Partnership, data: CalendarData, user: User | None
) -> ReportingCalendar:
    """Set the partnership's reporting calendar. Refused (ValidationError naming the
    field) when it would build no report or build one before late updates are in."""
    errors: dict[str, str] = {}
    if data.due_rule == ReportingCalendar.DueRule.DATES and not data.due_dates:
        errors["due_dates"] = "Enter at least one date when updates are due"
    if data.build_rule == ReportingCalendar.BuildRule.BEFORE_MEETING and not data.meetings:
        errors["meetings"] = "Enter at least one meeting date"
    if (
        data.build_rule == ReportingCalendar.BuildRule.AFTER_DUE
        and data.build_days <= data.grace_days
    ):
        errors["build_days"] = (
            f"Enter more days than the grace period ({data.grace_days}), so late updates "
            "are in the report"
        )
    if "grace_days" not in errors:
        # Updates are recorded for a quarter (clock.update_quarter_on): a late update made
        # after the first days of the next quarter would count for that one, so the grace
        # period of every due date must end while updates still count for its own quarter.
        rules = calendars.CalendarRules(
            due_rule=data.due_rule,
            grace_days=data.grace_days,
            due_dates=tuple(data.due_dates),
        )
        current = financial_year_of(clock.today())
        years = {current - 1, current, current + 1} | {financial_year_of(d) for d in data.due_dates}
        for year in sorted(years, key=lambda y: (y < current, y)):
            late = [
                due
                for due in calendars.due_dates(rules, year)
                if clock.update_quarter_on(due + timedelta(days=data.grace_days))
                != Quarter.containing(due)
            ]
            if not late:
                continue
            if data.due_rule == ReportingCalendar.DueRule.QUARTER_ENDS:
                errors["grace_days"] = (
                    f"Enter a grace period of {clock.REPORT_BUILD_DAY - 1} days or fewer when "
                    "updates are due at quarter ends: later updates count for the next quarter"
                )
            else:
                last = Quarter.containing(late[0]).end + timedelta(days=clock.REPORT_BUILD_DAY - 1)
                errors["grace_days"] = (
                    f"Enter a grace period that ends by {format_date(last)} for updates due "
                    f"on {format_date(late[0])}: later updates count for the next quarter"
                )
            break
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        calendar, _ = ReportingCalendar.objects.update_or_create(
            partnership=partnership,
            defaults={
                "due_rule": data.due_rule,
                "grace_days": data.grace_days,
                "build_rule": data.build_rule,
                "build_days": data.build_days,
                "updated_at": clock.now(),
                "updated_by": user,
            },
        )
        partnership_sign_off_set(partnership=partnership, required=data.sign_off)
        calendar.dates.all().delete()
        kept = data.due_dates if data.due_rule == ReportingCalendar.DueRule.DATES else []
        meetings = (
            data.meetings if data.build_rule == ReportingCalendar.BuildRule.BEFORE_MEETING else []
        )
        CalendarDate.objects.bulk_create(
            [CalendarDate(calendar=calendar, kind=CalendarDate.Kind.DUE, day=d) for d in set(kept)]
            + [
                CalendarDate(calendar=calendar, kind=CalendarDate.Kind.MEETING, day=d)
                for d in set(meetings)
            ]
        )
    return calendar


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
        snapshot = cast(ReportSnapshot, report.snapshot) or exception_report_snapshot(
            partnership=report.partnership, quarter=report.quarter_obj
        )
        pdf = _render_pdf(report, snapshot)
    except Exception as exc:
        logger.exception("Exception report %s failed", report_id)
        ExceptionReport.objects.filter(pk=report.pk).update(
            status=ExceptionReport.Status.FAILED, failure_reason=_reason(exc)
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
        report.counts = {row["key"]: row["count"] for row in snapshot["summary"]["totals"]}
        report.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        report.pdf_size = len(pdf)
        report.pdf.save(f"{report.pk}.pdf", ContentFile(pdf), save=False)
        report.status = ExceptionReport.Status.READY
        report.built_at = clock.now()
        report.failure_reason = ""
        report.save()
        if report.notify_executives:
            # Recorded with the report, sent on their own: a mail server that is down is
            # tried again later without building the report again.
            exception_report_notify(report=report)
    return report


def _reason(exc: Exception) -> str:
    if isinstance(exc, SoftTimeLimitExceeded):
        return (
            f"The build took longer than its limit of {settings.CSP_PDF_TASK_SOFT_TIME_LIMIT} "
            "seconds. Try again."
        )
    return f"{type(exc).__name__}: {exc}"[:2000]


def _render_pdf(report: ExceptionReport, snapshot: ReportSnapshot) -> bytes:
    from reporting.pdf import render_pdf
    from reporting.pdf_check import unprintable_problem

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
    """Record the email to each executive member that the report is ready, once per
    report and person, and queue the sending. Returns how many were recorded."""
    with transaction.atomic():
        claimed = ExceptionReport.objects.filter(
            pk=report.pk, status=ExceptionReport.Status.READY, notified_at__isnull=True
        ).update(notified_at=clock.now())
        if not claimed:
            return 0
        recipients = selectors.executive_recipients(partnership=report.partnership)
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
        _emails_to_members(
            recipients,
            kind=EmailDelivery.Kind.REPORT_READY,
            partnership=report.partnership,
            subject=subject,
            body=body,
            report=report,
        )
    return len(recipients)


def _emails_to_members(users: Iterable[User], **email: Any) -> None:
    """The same ``email`` (its kind, partnership, subject, body and what it is about) to
    each person on their own: none sees the others' addresses."""
    _emails_record([EmailDelivery(recipient=user, to=user.email, **email) for user in users])


def _emails_record(deliveries: list[EmailDelivery]) -> None:
    """Record the emails and queue their sending, in the caller's transaction."""
    if not deliveries:
        return
    now = clock.now()
    for delivery in deliveries:
        delivery.created_at = now
        delivery.next_attempt_at = now
    EmailDelivery.objects.bulk_create(deliveries)
    job_record(name=SEND_EMAILS_TASK)


def email_deliveries_send(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send the emails that are due, each on its own: one that fails is tried again
    later and never stops the others. Returns how many were sent.

    Also run every minute by the beat schedule, so an email whose try failed, or whose
    job was lost, goes at its next try without anybody asking.
    """
    now = now or clock.now()
    due = list(
        EmailDelivery.objects.filter(state=EmailDelivery.State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(_email_send(pk) for pk in due)


def _permanent(exc: Exception) -> bool:
    """The server said the mailbox will never take it (5xx for the one recipient)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return not isinstance(exc, (OSError, smtplib.SMTPException))


LINK_MARK = "{link}"


def _body_of(delivery: EmailDelivery) -> str:
    """The email's text; an update request's signed link is made now, never stored."""
    if delivery.kind != EmailDelivery.Kind.UPDATE_REQUEST or delivery.update_request is None:
        return delivery.body
    link = update_request_link(delivery.update_request, site_url=settings.CSP_SITE_URL)
    return delivery.body.replace(LINK_MARK, link)


def _email_send(pk: int) -> bool:
    """Send one email, under its row lock, so two senders at once never both send it.

    The row is marked sent in the same transaction as the send: if the worker dies
    between the server's "accepted" and the commit (milliseconds), the email is sent
    again later; a delivery is never marked sent that was not.
    """
    with transaction.atomic():
        delivery = (
            EmailDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, state=EmailDelivery.State.PENDING)
            .first()
        )
        if delivery is None:
            return False  # sent meanwhile, or another sender has it now
        now = clock.now()
        delivery.attempts += 1
        delivery.last_attempt_at = now
        try:
            send_mail(delivery.subject, _body_of(delivery), None, [delivery.to])
        except Exception as exc:  # one recipient's failure never stops the others
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            if _permanent(exc) or delivery.attempts >= settings.CSP_EMAIL_MAX_ATTEMPTS:
                delivery.state = EmailDelivery.State.FAILED
                logger.error("Email %s to %s gave up: %s", pk, delivery.to, exc)
            else:
                wait = settings.CSP_EMAIL_RETRY_BASE_SECONDS * 2 ** (delivery.attempts - 1)
                delivery.next_attempt_at = now + timedelta(seconds=wait)
                logger.warning(
                    "Email %s to %s failed, next try in %s s: %s", pk, delivery.to, wait, exc
                )
            delivery.save()
            return False
        delivery.state = EmailDelivery.State.SENT
        delivery.sent_at = now
        delivery.last_error = ""
        delivery.save()
        return True


def exception_reports_fail_stale(*, now: datetime | None = None) -> int:
    """Mark failed the builds that can no longer finish, so none stays "queued" or
    "building" for ever and the page offers "Try again": their job was given up (started
    too many times without finishing) or finished without them. A build waiting for the
    job service is not stuck: its job is sent when the broker is back."""
    now = now or clock.now()
    in_progress = ExceptionReport.objects.filter(status__in=IN_PROGRESS)
    task_ids = list(in_progress.values_list("task_id", flat=True))
    finished, known = jobs_finished(task_ids=task_ids), jobs_known(task_ids=task_ids)
    old = Q(status=ExceptionReport.Status.BUILDING, started_at__lt=now - STALE_BUILD_AFTER) | Q(
        status=ExceptionReport.Status.QUEUED, created_at__lt=now - STALE_QUEUE_AFTER
    )
    stuck = in_progress.filter(Q(task_id__in=finished) | (old & ~Q(task_id__in=known)))
    return stuck.update(
        status=ExceptionReport.Status.FAILED,
        failure_reason="The build did not finish (the worker may have stopped). Try again.",
    )


@dataclass
class _Owed:
    """One part of a person's digest: a round's actions they still owe (a chaser or a
    coordinator's "Chase now"), or, for a coordinator, who is missing (an escalation)."""

    membership: Membership
    quarter: Quarter
    due: date
    kind: str
    days_before: int
    actions: list[Action] = field(default_factory=list)
    missing: list[reminders.MissingLead] = field(default_factory=list)


def update_reminders_send(*, today: date | None = None) -> int:
    """The daily chasers, as each partnership's reporting calendar gives them: to each
    lead officer of an action with no update for the round, 14 and 3 days before the
    deadline, on the day, and on the grace period's last day; the day after the grace
    period, to the coordinators, who is missing. One email per person and day at most
    (``ReminderDigest``), listing everything they owe; none when nothing is owed.

    Safe to run again: each reminder is recorded and never sent twice, and a person
    emailed today is not emailed again today. Returns how many reminders were recorded."""
    today = today or clock.today()
    partnership_ids = list(Partnership.objects.values_list("pk", flat=True))
    rules = selectors.calendar_rules(partnership_ids=partnership_ids)
    chases: dict[tuple[Quarter, date, int], list[int]] = defaultdict(list)
    escalations: list[tuple[int, calendars.Round, int]] = []
    for pk in partnership_ids:
        for due_round in calendars.rounds_near(rules[pk], day=today):
            stage = calendars.chase_stage(due_round, day=today)
            if stage is not None:
                chases[(due_round.quarter, due_round.due, stage)].append(pk)
            late = calendars.escalation_stage(due_round, day=today)
            if late is not None:
                escalations.append((pk, due_round, late))
    owed: list[_Owed] = []
    for (quarter, due, stage), ids in sorted(chases.items()):
        for item in reminders.reminder_recipients(quarter=quarter, partnership_ids=ids):
            owed.append(
                _Owed(
                    item.membership, quarter, due, UpdateReminder.Kind.CHASER, stage, item.actions
                )
            )
    if escalations:
        coordinators = reminders.coordinators_of(partnership_ids={e[0] for e in escalations})
        for pk, due_round, stage in escalations:
            partnership = Partnership.objects.get(pk=pk)
            missing = reminders.missing_updates(partnership=partnership, quarter=due_round.quarter)
            if not missing:
                continue
            for membership in coordinators:
                if membership.partnership_id == pk:
                    owed.append(
                        _Owed(
                            membership,
                            due_round.quarter,
                            due_round.due,
                            UpdateReminder.Kind.ESCALATION,
                            stage,
                            missing=missing,
                        )
                    )
    return _digests_record(owed, today=today)


def _already_reminded(owed: list[_Owed]) -> set[tuple[int, int, int, str, int]]:
    if not owed:
        return set()
    rows = UpdateReminder.objects.filter(
        membership_id__in={o.membership.pk for o in owed}
    ).values_list("membership_id", "financial_year", "quarter", "kind", "days_before")
    return set(rows)


def _key(o: _Owed) -> tuple[int, int, int, str, int]:
    return (o.membership.pk, o.quarter.financial_year, o.quarter.number, o.kind, o.days_before)


def _digests_record(owed: list[_Owed], *, today: date) -> int:
    """One digest per person for what is owed and not yet reminded of; nobody emailed
    twice on a day. Returns how many reminders were recorded."""
    done = _already_reminded(owed)
    by_person: dict[str, list[_Owed]] = defaultdict(list)
    for item in owed:
        if _key(item) not in done:
            by_person[item.membership.user.email.lower()].append(item)
    emailed_today = set(
        ReminderDigest.objects.filter(day=today, to__in=list(by_person)).values_list(
            "to", flat=True
        )
    )
    recorded = 0
    for to, items in sorted(by_person.items()):
        if to in emailed_today:
            continue  # caught up tomorrow, while its window is open
        recorded += _digest_record(to, items, today=today)
    return recorded


def _link(name: str, pk: int) -> str:
    return settings.CSP_SITE_URL.rstrip("/") + reverse(name, kwargs={"pk": pk})


def _digest_text(user: User, items: list[_Owed], today: date) -> tuple[str, str]:
    parts: list[str] = []
    owed_count = sum(len(i.actions) for i in items)
    for item in items:
        partnership = item.membership.partnership
        if item.kind == UpdateReminder.Kind.ESCALATION:
            lines = []
            for lead in item.missing:
                who = (
                    ", ".join(m.user.get_full_name() or m.user.email for m in lead.officers)
                    or "nobody with an account: send an update request"
                )
                lines.append(f"{lead.agency} ({who}):")
                lines += [
                    f"- {a.reference} {a.title}\n  {_link('actions:detail', a.pk)}"
                    for a in lead.actions
                ]
            page = settings.CSP_SITE_URL.rstrip("/") + reverse(
                "reporting:missing", kwargs={"slug": partnership.slug}
            )
            parts.append(
                f"{partnership.name}: the grace period for {item.quarter} updates (due "
                f"{format_date(item.due)}) is over and these are still missing:\n\n"
                + "\n".join(lines)
                + f"\n\nChase them from the Missing updates page:\n{page}"
            )
            continue
        days = (item.due - today).days
        when = (
            f"due by {format_date(item.due)} ({days} day{pluralize(days)} from today)"
            if days > 0
            else "due today"
            if days == 0
            else f"overdue since {format_date(item.due)}; late updates count until "
            f"{format_date(today)}"
            if item.kind == UpdateReminder.Kind.CHASER
            else f"overdue since {format_date(item.due)}"
        )
        count = len(item.actions)
        listed = "\n".join(
            f"- {a.reference} {a.title}\n  {_link('actions:update', a.pk)}" for a in item.actions
        )
        parts.append(
            f"{item.membership.agency} leads {count} action{pluralize(count)} in "
            f"{partnership.name} with no {item.quarter} update yet. Updates are {when}."
            f"\n\n{listed}"
        )
    first = items[0]
    if owed_count:
        chased = [i for i in items if i.actions]
        subject = (
            f"{owed_count} action{pluralize(owed_count)} need your "
            f"{chased[0].quarter} update by {format_date(chased[0].due)}"
        )
    else:
        subject = (
            f"Updates missing for {first.quarter} in {first.membership.partnership.short_name}"
        )
    body = (
        f"Hello {user.get_short_name()},\n\n"
        + "\n\n".join(parts)
        + "\n\nThe executive group's exception report lists every action with no update "
        "for the period. You get one email a day at most about updates, and none when "
        "nothing is owed."
    )
    return subject[:200], body


def _digest_record(to: str, items: list[_Owed], *, today: date) -> int:
    user = items[0].membership.user
    subject, body = _digest_text(user, items, today)
    try:
        with transaction.atomic():
            digest = ReminderDigest.objects.create(
                to=to,
                recipient=user,
                partnership=items[0].membership.partnership,
                day=today,
                recorded_at=clock.now(),
            )
            UpdateReminder.objects.bulk_create(
                [
                    UpdateReminder(
                        membership=item.membership,
                        **item.quarter.columns,
                        kind=item.kind,
                        days_before=item.days_before,
                        action_count=len(item.actions) or sum(len(m.actions) for m in item.missing),
                        recorded_at=clock.now(),
                        digest=digest,
                    )
                    for item in items
                ]
            )
            _emails_to_members(
                [user],
                kind=EmailDelivery.Kind.UPDATE_DIGEST,
                partnership=digest.partnership,
                subject=subject,
                body=body,
                digest=digest,
            )
    except IntegrityError:
        # Another run recorded today's digest or these reminders first.
        return 0
    return len(items)


@dataclass(frozen=True)
class ChaseResult:
    emailed: list[str]
    already_today: list[str]
    nobody_to_chase: list[str]


def missing_updates_chase(
    *, partnership: Partnership, agency_id: int | None, by: User
) -> ChaseResult:
    """ "Chase now" on the Missing updates page: each officer of the lead (or of every
    lead, ``agency_id`` None) with actions still owed for the partnership's current
    round gets their digest now, unless they had one today (one a day at most)."""
    today = clock.today()
    due_round, leads = reminders.missing_updates_due(partnership=partnership, day=today)
    if due_round is None:
        return ChaseResult([], [], [])
    if agency_id is not None:
        leads = [lead for lead in leads if lead.agency.pk == agency_id]
    days_before = (due_round.due - today).days
    owed = [
        _Owed(
            officer,
            due_round.quarter,
            due_round.due,
            UpdateReminder.Kind.CHASE_NOW,
            days_before,
            lead.actions,
        )
        for lead in leads
        for officer in lead.officers
    ]
    emailed_today = set(
        ReminderDigest.objects.filter(
            day=today, to__in=[o.membership.user.email.lower() for o in owed]
        ).values_list("to", flat=True)
    )
    emailed: list[str] = []
    already: list[str] = []
    by_person: dict[str, list[_Owed]] = defaultdict(list)
    for item in owed:
        by_person[item.membership.user.email.lower()].append(item)
    for to, items in sorted(by_person.items()):
        if to in emailed_today or not _digest_record(to, items, today=today):
            already.append(to)
        else:
            emailed.append(to)
    return ChaseResult(emailed, already, [str(lead.agency) for lead in leads if not lead.officers])


def update_request_send(
    *,
    partnership: Partnership,
    agency: Agency,
    contact_name: str,
    contact_email: str,
    actions: list[Action],
    by: User,
) -> UpdateRequest:
    """Send a lead's contact without an account a link for the current round's updates on
    ``actions``, working once until the round's report is built (the reporting calendar).
    The email goes through the outbox; its link is made when it is sent."""
    due_round = selectors.round_of(partnership=partnership, day=clock.today())
    if due_round is None:
        raise ValidationError({"actions": "No updates are due: check the reporting calendar"})
    expires_at = timezone.make_aware(datetime.combine(due_round.build_on, time.min))
    with transaction.atomic():
        update_request = update_request_create(
            partnership=partnership,
            agency=agency,
            contact_name=contact_name,
            contact_email=contact_email,
            actions=actions,
            quarter=due_round.quarter,
            expires_at=expires_at,
            sent_by=by,
        )
        lines = "\n".join(f"- {a.reference} {a.title}" for a in actions)
        count = len(actions)
        last_day = due_round.build_on - timedelta(days=1)
        _emails_record(
            [
                EmailDelivery(
                    kind=EmailDelivery.Kind.UPDATE_REQUEST,
                    partnership=partnership,
                    to=update_request.contact_email,
                    update_request=update_request,
                    subject=f"{partnership.short_name}: your {due_round.quarter} update on "
                    f"{count} action{pluralize(count)}",
                    body=f"Hello {update_request.contact_name},\n\n"
                    f"{by.get_full_name() or by.email} of {partnership.name} asks for "
                    f"{agency}'s {due_round.quarter} update on:\n\n{lines}\n\n"
                    f"Send it through this link, which works once, until "
                    f"{format_date(last_day)}:\n{LINK_MARK}\n\n"
                    "No account is needed: your update is recorded with your name and "
                    "email address.",
                )
            ]
        )
    return update_request
