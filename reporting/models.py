from typing import TypeVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.fields import person_or_none
from actions.models import UpdateRequest
from csp_tracker.periods import Quarter
from plans.models import Membership, Partnership


def _pdf_path(report: "ExceptionReport", filename: str) -> str:
    return (
        f"exception-reports/{report.partnership.slug}/"
        f"{report.financial_year}-q{report.quarter}-revision-{report.revision}.pdf"
    )


class ExceptionReport(models.Model):
    """One build of a partnership's quarterly exception report.

    ``snapshot`` holds everything the report shows, as it was when it was built, so a
    later edit to an action or a late update never changes a report the executive has
    seen. Rebuilding a quarter makes a new revision; earlier revisions stay readable.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        BUILDING = "building", "Building"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="exception_reports"
    )
    financial_year = models.PositiveSmallIntegerField(help_text="2023 for 2023/24.")
    quarter = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    revision = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    snapshot = models.JSONField(
        default=dict, blank=True, help_text="Everything the report shows, frozen at build."
    )
    counts = models.JSONField(
        default=dict,
        blank=True,
        help_text="The summary totals by status, for lists and the county view.",
    )
    requested_by = person_or_none(help_text="Empty for a scheduled build.")
    notify_executives = models.BooleanField(
        default=False, help_text="Email the executive members when it is ready."
    )
    notified_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.TextField(blank=True)
    pdf = models.FileField(upload_to=_pdf_path, blank=True, max_length=200)
    pdf_sha256 = models.CharField("PDF SHA-256", max_length=64, blank=True)
    pdf_size = models.PositiveBigIntegerField(
        "PDF size in bytes",
        null=True,
        blank=True,
        help_text="Kept at build, so a page never asks the storage (S3) for it.",
    )

    class Meta:
        ordering = ["partnership", "-financial_year", "-quarter", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "financial_year", "quarter", "revision"],
                name="exception_report_revision_unique",
            ),
            # At most one build under way per partnership and quarter: a second request
            # while one is queued or building joins it instead of starting another.
            models.UniqueConstraint(
                fields=["partnership", "financial_year", "quarter"],
                condition=Q(status__in=["queued", "building"]),
                name="exception_report_one_build_at_a_time",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="exception_report_quarter_1_to_4",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "building", "ready", "failed"]),
                name="exception_report_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} {self.quarter_obj} revision {self.revision}"

    @property
    def quarter_obj(self) -> Quarter:
        return Quarter(self.financial_year, self.quarter)

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.BUILDING)


class ReportingCalendar(models.Model):
    """When a partnership's updates are due and its exception report is built.

    Without a row a partnership keeps the default (``reporting.calendar.DEFAULT``):
    updates due on each quarter's last day, four days' grace, the report built five days
    after each due date. The rules that turn this into dates are ``reporting.calendar``.
    """

    class DueRule(models.TextChoices):
        QUARTER_ENDS = "quarter_ends", "The last day of each quarter"
        DATES = "dates", "Dates we enter"

    class BuildRule(models.TextChoices):
        AFTER_DUE = "after_due", "A number of days after each due date"
        BEFORE_MEETING = "before_meeting", "A number of days before each meeting"

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="reporting_calendar"
    )
    due_rule = models.CharField(
        "when updates are due",
        max_length=20,
        choices=DueRule.choices,
        default=DueRule.QUARTER_ENDS,
    )
    grace_days = models.PositiveSmallIntegerField(
        "grace period in days",
        default=4,
        validators=[MaxValueValidator(60)],
        help_text="Days after the due date when a late update still counts.",
    )
    build_rule = models.CharField(
        "when the exception report is built",
        max_length=20,
        choices=BuildRule.choices,
        default=BuildRule.AFTER_DUE,
    )
    build_days = models.PositiveSmallIntegerField(
        "days",
        default=5,
        validators=[MaxValueValidator(120)],
        help_text="After each due date, or before each meeting.",
    )
    updated_at = models.DateTimeField()
    updated_by = person_or_none()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(due_rule__in=["quarter_ends", "dates"]),
                name="reporting_calendar_due_rule_valid",
            ),
            models.CheckConstraint(
                condition=Q(build_rule__in=["after_due", "before_meeting"]),
                name="reporting_calendar_build_rule_valid",
            ),
            models.CheckConstraint(
                condition=Q(grace_days__lte=60) & Q(build_days__lte=120),
                name="reporting_calendar_days_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"Reporting calendar of {self.partnership}"


class CalendarDate(models.Model):
    """A date of a partnership's calendar: an update due date (with ``DueRule.DATES``)
    or an executive meeting (with ``BuildRule.BEFORE_MEETING``)."""

    class Kind(models.TextChoices):
        DUE = "due", "Updates due"
        MEETING = "meeting", "Executive meeting"

    calendar = models.ForeignKey(ReportingCalendar, on_delete=models.CASCADE, related_name="dates")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    day = models.DateField()

    class Meta:
        ordering = ["calendar", "kind", "day"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "kind", "day"], name="calendar_date_once"),
            models.CheckConstraint(
                condition=Q(kind__in=["due", "meeting"]), name="calendar_date_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day}"


class ReminderDigest(models.Model):
    """The one email a person gets on a day about updates: every action they still owe
    and, for a coordinator after the grace period, who is missing. At most one per
    address and day (the constraint), whatever the number of partnerships or rules."""

    to = models.EmailField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="reminder_digests",
        help_text="The first partnership the email is about (its failures are listed there).",
    )
    day = models.DateField()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-day", "to"]
        constraints = [
            models.UniqueConstraint(fields=["to", "day"], name="reminder_digest_one_a_day"),
        ]

    def __str__(self) -> str:
        return f"Update reminders to {self.to} on {self.day}"


class UpdateReminder(models.Model):
    """One reminder to one member about one round's updates, recorded so that running the
    daily task again reminds nobody twice: a chaser to a lead officer (``days_before``
    the deadline; 0 on the day, negative after it), the coordinators' escalation after
    the grace period, or a coordinator's "Chase now". Its email is the person's digest
    of the day (``ReminderDigest``; before digests, an EmailDelivery of its own)."""

    class Kind(models.TextChoices):
        CHASER = "chaser", "Chaser"
        ESCALATION = "escalation", "Missing updates, to the coordinators"
        CHASE_NOW = "chase_now", "Chased by a coordinator"

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="update_reminders"
    )
    financial_year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CHASER)
    days_before = models.SmallIntegerField(
        help_text="Days before the deadline: 14, 3, 0 on the day, negative after it."
    )
    action_count = models.PositiveIntegerField(default=0)
    recorded_at = models.DateTimeField()
    digest = models.ForeignKey(
        ReminderDigest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "financial_year", "quarter", "kind", "days_before"],
                name="update_reminder_once_per_stage",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.membership} {Quarter(self.financial_year, self.quarter)} "
            f"({self.days_before} days)"
        )


_About = TypeVar("_About", bound=models.Model)


def _about(
    to: type[_About], *, related_name: str, one: bool = False, help_text: str = ""
) -> "models.ForeignKey[_About | None, _About | None]":
    """An email's link to what it is about, empty on the emails of other kinds; the one
    email of that object (``one``), or one of its emails."""
    field = models.OneToOneField if one else models.ForeignKey
    return field(
        to,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name=related_name,
        help_text=help_text,
    )


class EmailDelivery(models.Model):
    """One email to one person, recorded before it is sent and kept after.

    The service that decides to email (a report is ready, a reminder is due) writes one
    row per recipient in its own transaction; ``reporting.send_emails`` sends what is
    due, each row on its own, so one refused mailbox never stops the others. A row is
    sent once (the unique constraints, and a claim under a row lock); a failure is tried
    again later with exponential backoff, and one that gives up is shown on the
    partnership's reports page with the reason. Nothing is dropped silently.
    """

    class Kind(models.TextChoices):
        REPORT_READY = "report_ready", "Exception report ready"
        UPDATE_REMINDER = "update_reminder", "Update reminder"
        UPDATE_DIGEST = "update_digest", "Updates still owed"
        UPDATE_REQUEST = "update_request", "Update request to a lead without an account"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="email_deliveries"
    )
    recipient = person_or_none()
    to = models.EmailField(help_text="The address, as it was when the email was recorded.")
    # What the email is about: the one its kind names (the check constraint below).
    report = _about(ExceptionReport, related_name="email_deliveries")
    reminder = _about(UpdateReminder, related_name="email_deliveries")
    digest = _about(ReminderDigest, related_name="email", one=True)
    update_request = _about(
        UpdateRequest,
        related_name="email",
        one=True,
        help_text="Its body holds {link}: the signed link is made when it is sent, not stored.",
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(help_text="When a pending email is tried next.")
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["partnership", "-created_at", "to"]
        verbose_name_plural = "email deliveries"
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="email_delivery_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "to"],
                condition=Q(report__isnull=False),
                name="email_delivery_report_once",
            ),
            models.UniqueConstraint(
                fields=["reminder"],
                condition=Q(reminder__isnull=False),
                name="email_delivery_reminder_once",
            ),
            models.CheckConstraint(
                condition=(Q(kind="report_ready") & Q(report__isnull=False))
                | (Q(kind="update_reminder") & Q(reminder__isnull=False))
                | (Q(kind="update_digest") & Q(digest__isnull=False))
                | (Q(kind="update_request") & Q(update_request__isnull=False)),
                name="email_delivery_names_its_object",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "sent", "failed"]),
                name="email_delivery_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to} ({self.state})"
