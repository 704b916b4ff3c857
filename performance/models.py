"""Grants, the projects they fund, in-year bids against a grant's tactical pot, and
performance indicators with their values.

Money is exact: DecimalField in pounds and pence. Status changes of a project and the
values of an indicator are history: append-only (database triggers, performance/triggers.py),
the latest is current and earlier ones stay readable.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from actions.models import Action, StatusUpdate
from csp_tracker.periods import Quarter, financial_year_label
from performance.periods import Frequency, Period
from plans.models import Agency, Partnership
from priorities.models import Priority


class Grant(models.Model):
    """A grant a partnership receives for a financial year, e.g. the PCC's Crime
    Reduction Grant 2023/24 (£39,661): part agreed up front for projects, part a tactical
    pot for bids during the year; what is not spent goes back to the funder."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="grants")
    name = models.CharField(max_length=200, help_text='e.g. "Crime Reduction Grant".')
    funder = models.CharField(max_length=200, help_text='e.g. "Police and Crime Commissioner".')
    financial_year = models.PositiveSmallIntegerField(
        help_text="2023 for 2023/24.", validators=[MinValueValidator(2000), MaxValueValidator(2099)]
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    up_front_amount = models.DecimalField(
        "up-front amount",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text="For projects agreed at the start of the year.",
    )
    tactical_amount = models.DecimalField(
        "tactical pot",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text="For bids during the year.",
    )
    rules = models.TextField(blank=True, help_text="The funder's conditions, in their words.")
    tactical_closes_on = models.DateField(
        "tactical pot closes on",
        null=True,
        blank=True,
        help_text="No bid can be made against the tactical pot after this day.",
    )
    returned_amount = models.DecimalField(
        "underspend returned",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    returned_on = models.DateField(null=True, blank=True)
    return_note = models.TextField(blank=True)
    lock_version = models.PositiveIntegerField(
        default=1, help_text="Raised by every change, to refuse stale edits."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partnership", "-financial_year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name", "financial_year"],
                name="grant_one_per_name_and_year",
                violation_error_message="This partnership already has this grant for the year.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=F("up_front_amount") + F("tactical_amount")),
                name="grant_split_within_amount",
                violation_error_message="The up-front amount and the tactical pot add up to "
                "more than the grant.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0, up_front_amount__gte=0, tactical_amount__gte=0),
                name="grant_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year_label}"

    @property
    def year_label(self) -> str:
        return financial_year_label(self.financial_year)


class Pot(models.TextChoices):
    UP_FRONT = "up_front", "Up front"
    TACTICAL = "tactical", "Tactical pot"


class ProjectStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    PART_DELIVERED = "part_delivered", "Part delivered"
    DELIVERED = "delivered", "Delivered"
    WITHDRAWN = "withdrawn", "Withdrawn"


class _Funded(models.Model):
    """What a funded project and a bid for one share: a title, and a lead, named as
    one of the partnership's agencies or as the paper writes it."""

    title: str
    lead_agency: Agency | None
    lead_text: str

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def lead(self) -> str:
        return self.lead_text or (self.lead_agency.short_name if self.lead_agency else "")


class FundedProject(_Funded):
    """A project a grant funds, from one of its pots. Its status is history
    (FundedProjectStatus); its approved amount is its own approval, and top-ups are
    approved bids (Bid.is_top_up) that count against the tactical pot."""

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    lead_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="funded_projects"
    )
    lead_text = models.CharField(
        "lead as written", max_length=300, blank=True, help_text="The lead as the paper names it."
    )
    pot = models.CharField(max_length=10, choices=Pot.choices, default=Pot.UP_FRONT)
    amount_approved = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text="Its own approval, without later top-ups.",
    )
    amount_spent = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="funded_projects",
        help_text="The action of the plan it supports.",
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    lock_version = models.PositiveIntegerField(
        default=1, help_text="Raised by every change and status change, to refuse stale edits."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["grant", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_approved__gte=0)
                & (Q(amount_spent__isnull=True) | Q(amount_spent__gte=0)),
                name="funded_project_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(pot__in=Pot.values), name="funded_project_pot_valid"
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="funded_project_ends_after_it_starts",
                violation_error_message="The end date must be on or after the start date.",
            ),
        ]


class FundedProjectStatus(models.Model):
    """One status of a project, with the update that came with it. Append-only: database
    triggers refuse UPDATE and DELETE (migration 0002). The latest is current; like an
    action's update, it is labelled with the quarter it reports on."""

    project = models.ForeignKey(FundedProject, on_delete=models.PROTECT, related_name="statuses")
    status = models.CharField(max_length=20, choices=ProjectStatus.choices)
    note = models.TextField("update", blank=True)
    financial_year = models.PositiveSmallIntegerField(help_text="2023 for 2023/24.")
    quarter = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name_plural = "funded project statuses"
        ordering = ["project", "recorded_at", "id"]
        get_latest_by = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values),
                name="funded_project_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="funded_project_status_quarter_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_status_display()}"

    @property
    def quarter_label(self) -> str:
        return str(Quarter(self.financial_year, self.quarter))


class Bid(_Funded):
    """A bid against a grant's tactical pot during the year: for a new project, or a
    top-up of a project already funded (the £800 more for Victim Blaming training)."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="bids")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    lead_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lead_text = models.CharField("lead as written", max_length=300, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    is_top_up = models.BooleanField(
        "top-up of a funded project",
        default=False,
        help_text="More money for a project already funded.",
    )
    project = models.ForeignKey(
        FundedProject,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bids",
        help_text="The project it tops up, or the project its approval created.",
    )
    action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The action the project would support; its project supports it if approved.",
    )
    status = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    submitted_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["grant", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "declined"]),
                name="bid_status_valid",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="bid_amount_positive"),
            models.CheckConstraint(
                condition=~Q(is_top_up=True) | Q(project__isnull=False),
                name="bid_top_up_names_its_project",
                violation_error_message="A top-up is for a project already funded.",
            ),
        ]


class Indicator(models.Model):
    """A performance or proxy indicator a partnership reports each quarter or month
    ("ASB incidents reported to Kent Police"), with its direction of good, a baseline
    and a target."""

    class Direction(models.TextChoices):
        LOWER = "lower", "Lower is better"
        HIGHER = "higher", "Higher is better"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="indicators"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=50, help_text='What is counted: "incidents", "people".')
    source = models.CharField(
        max_length=200, help_text='Where the numbers come from: "Kent Police".'
    )
    direction = models.CharField("direction of good", max_length=10, choices=Direction.choices)
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    baseline_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_period = models.CharField(
        max_length=30, blank=True, help_text='"2022/23", "2022/23 Q4" or "March 2023".'
    )
    target_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    priorities = models.ManyToManyField(Priority, blank=True, related_name="indicators")
    actions = models.ManyToManyField(Action, blank=True, related_name="indicators")
    figure_label = models.CharField(
        "figure reported in updates",
        max_length=100,
        blank=True,
        help_text="The words officers use for this number in their updates of the linked "
        'actions, e.g. "deliberate grass and rubbish fires".',
    )
    order = models.PositiveIntegerField(default=0)
    lock_version = models.PositiveIntegerField(
        default=1, help_text="Raised by every change, to refuse stale edits."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partnership", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"],
                name="indicator_name_unique_in_partnership",
                violation_error_message="This partnership already has an indicator of this name.",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=["lower", "higher"]), name="indicator_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="indicator_frequency_valid"
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True) | ~Q(baseline_period=""),
                name="indicator_baseline_has_its_period",
                violation_error_message="A baseline has the period it was measured in.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def period(self, financial_year: int, number: int) -> Period:
        return Period(financial_year, number, self.frequency)


class IndicatorValue(models.Model):
    """A value of an indicator for one period. Append-only (database triggers): a
    correction is a new value for the same period, and the latest is current."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    financial_year = models.PositiveSmallIntegerField(help_text="2023 for 2023/24.")
    period = models.PositiveSmallIntegerField(
        help_text="The quarter (1 to 4) or the month of the financial year (1 April to 12 March).",
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    value = models.DecimalField(max_digits=14, decimal_places=2)
    note = models.TextField(blank=True)
    source_update = models.ForeignKey(
        StatusUpdate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_values",
        help_text="The status update the number was reported in.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["indicator", "financial_year", "period", "recorded_at", "id"]
        get_latest_by = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period__gte=1, period__lte=12), name="indicator_value_period_1_to_12"
            ),
        ]
        indexes = [models.Index(fields=["indicator", "financial_year", "period"])]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"
