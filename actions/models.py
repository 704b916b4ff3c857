import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from accounts.models import User
from actions.timescales import TimescaleKind
from csp_tracker.periods import Quarter
from plans.models import Agency, Plan
from priorities.models import CrossCuttingTheme, Priority, Workstream


class Status(models.TextChoices):
    """An action's status in a quarter. RAG: on track green, at risk amber, off track red."""

    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETED = "completed", "Completed"


class Action(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="actions")
    reference = models.CharField(max_length=20, help_text='Its number in the plan, e.g. "1.3".')
    priority = models.ForeignKey(
        Priority, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    theme = models.ForeignKey(
        CrossCuttingTheme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        help_text="For an action a cross-cutting theme owns (not a priority).",
    )
    workstream = models.ForeignKey(
        Workstream, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    order = models.PositiveIntegerField(default=0)
    title = models.TextField("action")
    desired_outcome = models.TextField(blank=True)
    lead_text = models.CharField(
        "lead as written", max_length=300, blank=True, help_text="The lead cell's words."
    )
    lead_agencies = models.ManyToManyField(Agency, related_name="led_actions", blank=True)
    supports_themes = models.ManyToManyField(
        CrossCuttingTheme, related_name="supporting_actions", blank=True
    )
    is_linked = models.BooleanField("linked to another group or strategy", default=False)
    linked_to = models.CharField(max_length=300, blank=True)
    is_grant_funded = models.BooleanField("grant funded", default=False)
    lineage = models.UUIDField(
        default=uuid.uuid4,
        editable=False,
        db_index=True,
        help_text="The same across refreshes: an action keeps its history when its number changes.",
    )
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    lock_version = models.PositiveIntegerField(
        default=1, help_text="Raised by every change of the action, to refuse stale edits."
    )
    updates_version = models.PositiveIntegerField(
        default=0,
        help_text="Raised by every status update, to refuse an update made without seeing "
        "the one before it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[lead_agencies])
    # Who saves it, for its history record (set by the services; simple-history reads it).
    _history_user: User | None

    class Meta:
        ordering = ["plan", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "reference"],
                name="action_reference_unique_in_plan",
                violation_error_message="An action with this number is already in the plan.",
            ),
            models.CheckConstraint(
                condition=Q(priority__isnull=False, theme__isnull=True)
                | Q(priority__isnull=True, theme__isnull=False),
                name="action_under_priority_or_theme",
                violation_error_message="An action belongs to exactly one priority or theme.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def parent(self) -> Priority | CrossCuttingTheme:
        """Its priority or theme: the database holds exactly one."""
        heading = self.priority or self.theme
        if heading is None:
            raise ValueError(f"Action {self.pk} has neither a priority nor a theme")
        return heading


class Milestone(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    order = models.PositiveIntegerField(default=0)
    description = models.TextField()
    lead_text = models.CharField("lead as written", max_length=300, blank=True)
    lead = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_milestones",
        help_text="Its own lead, where the plan gives one; else the action's.",
    )
    timescale = models.CharField(
        max_length=100, blank=True, help_text='As written: "Sept 23", "Ongoing".'
    )
    timescale_kind = models.CharField(
        max_length=16,
        choices=[(k.value, k.value) for k in TimescaleKind],
        default=TimescaleKind.UNKNOWN.value,
    )
    due_date = models.DateField(null=True, blank=True, help_text="Derived from the timescale.")
    done_date = models.DateField(null=True, blank=True)
    lock_version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    _history_user: User | None

    class Meta:
        ordering = ["action", "order", "id"]

    def __str__(self) -> str:
        return self.description


class UpdateRequest(models.Model):
    """A coordinator's request to a lead's contact without an account: a link, sent by
    email, that works once until the end of the round's grace period and opens the update
    form for just the listed actions. Like an invitation (``partnerships.Invitation``) the
    link carries a token signed with the service's secret key over the request and its
    random ``secret``, so the table alone gives no link that works. What the contact
    submits is recorded as theirs (``StatusUpdate.request``: their name and email)."""

    partnership = models.ForeignKey(
        "plans.Partnership", on_delete=models.CASCADE, related_name="update_requests"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    contact_name = models.CharField("their name", max_length=150)
    contact_email = models.EmailField("their email address")
    actions: "models.ManyToManyField[Action, Any]" = models.ManyToManyField(
        "Action", related_name="update_requests"
    )
    financial_year = models.PositiveSmallIntegerField(help_text="2023 for 2023/24.")
    quarter = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    secret = models.CharField(
        max_length=64, editable=False, help_text="Random; the link's token is signed over it."
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["partnership", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="update_request_quarter_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"Update request to {self.contact_email} ({self.agency})"


class StatusUpdate(models.Model):
    """What an officer reported on an action for a quarter. Append-only: database
    triggers refuse UPDATE and DELETE (migration 0002)."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    financial_year = models.PositiveSmallIntegerField(help_text="2023 for 2023/24.")
    quarter = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    previous_status = models.CharField(
        max_length=12,
        choices=Status.choices,
        blank=True,
        help_text="The action's status just before this update.",
    )
    commentary = models.TextField()
    reason = models.TextField("reason for the change of status", blank=True)
    figures = models.JSONField(
        default=list, blank=True, help_text='Numbers reported: [{"label": …, "value": …}].'
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="status_updates",
        null=True,
        blank=True,
        help_text="Empty for an update sent through an update request's link.",
    )
    request = models.ForeignKey(
        UpdateRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="updates",
        help_text="The link it was sent through, by a lead's contact without an account.",
    )
    created_at = models.DateTimeField(db_index=True)
    milestones_completed = models.ManyToManyField(
        Milestone, through="StatusUpdateMilestone", related_name="completed_in", blank=True
    )

    class Meta:
        ordering = ["action", "created_at", "id"]
        get_latest_by = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="status_update_quarter_1_to_4"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="status_update_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(author__isnull=False) | Q(request__isnull=False),
                name="status_update_has_an_author",
            ),
        ]
        indexes = [models.Index(fields=["financial_year", "quarter"])]

    def __str__(self) -> str:
        return f"{self.action.reference} {self.financial_year} Q{self.quarter}: {self.status}"

    @property
    def period(self) -> Quarter:
        """The quarter it reports on, written "2023/24 Q3"."""
        return Quarter(self.financial_year, self.quarter)

    @property
    def author_name(self) -> str:
        """Who wrote it: the signed-in author, or the contact an update request was sent to
        (with their email: they have no account to look up)."""
        if self.author is not None:
            return self.author.get_full_name() or self.author.email
        if self.request is not None:
            return f"{self.request.contact_name} ({self.request.contact_email}, by update request)"
        return ""


class StatusUpdateMilestone(models.Model):
    """A milestone an update reported done. Append-only like the update itself."""

    update = models.ForeignKey(StatusUpdate, on_delete=models.PROTECT)
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["update", "milestone"], name="update_milestone_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.milestone} done in {self.update}"


class UpdateReview(models.Model):
    """A step of an update's sign-off, where the partnership wants it: submitted (with
    the update), then approved or returned with a comment by a coordinator. Append-only
    like the update itself (database triggers): the history keeps every step, and an
    update is never changed, only reviewed. An update with no steps is live at once."""

    class Decision(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned"

    update = models.ForeignKey(StatusUpdate, on_delete=models.PROTECT, related_name="reviews")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the submission itself (the update's author submits it).",
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["update", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=["submitted", "approved", "returned"]),
                name="update_review_decision_valid",
            ),
            models.CheckConstraint(
                condition=Q(decision="submitted") | Q(reviewer__isnull=False),
                name="update_review_has_a_reviewer",
            ),
            models.CheckConstraint(
                condition=~Q(decision="returned") | ~Q(comment=""),
                name="update_review_returned_with_a_comment",
            ),
            # One submission and one decision per update.
            models.UniqueConstraint(
                fields=["update"], condition=Q(decision="submitted"), name="update_submitted_once"
            ),
            models.UniqueConstraint(
                fields=["update"],
                condition=Q(decision__in=["approved", "returned"]),
                name="update_decided_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.update}: {self.get_decision_display()}"
