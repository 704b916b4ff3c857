from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from csp_tracker.periods import financial_year_label


class Agency(models.Model):
    """An organisation (Kent Police, Swale Borough Council) or a partnership body
    ("CSP Executive", "Domestic Abuse Group", "CSU") that can lead an action."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", "Organisation"
        PARTNERSHIP_BODY = "partnership_body", "Partnership body"

    name = models.CharField(max_length=200, unique=True, help_text="Full name.")
    short_name = models.CharField(
        max_length=80, unique=True, help_text='As the tables write it, e.g. "KFRS".'
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ORGANISATION)
    is_responsible_authority = models.BooleanField(
        "responsible authority",
        default=False,
        help_text="A responsible authority under the Crime and Disorder Act 1998.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["short_name"]

    def __str__(self) -> str:
        return self.short_name


class Partnership(models.Model):
    """A Community Safety Partnership: a county, a district under it, or a unitary."""

    class Kind(models.TextChoices):
        COUNTY = "county", "County"
        DISTRICT = "district", "District"
        UNITARY = "unitary", "Unitary"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The county partnership of a district.",
    )
    agencies = models.ManyToManyField(
        Agency, through="PartnershipAgency", related_name="partnerships", blank=True
    )
    coordinators_publish = models.BooleanField(
        "its coordinators publish its plans",
        default=True,
        help_text="Districts and unitaries publish their own plans; a county's are published "
        "by its county team. The county team may always publish for its districts.",
    )
    updates_need_sign_off = models.BooleanField(
        "updates wait for a coordinator's sign-off",
        default=False,
        help_text="An update is submitted, then approved or returned by a coordinator; only "
        "approved updates count (set on the reporting calendar's page).",
    )
    # The logo on the cover of its published documents (plans/images.py says what is
    # accepted). A new logo is a new file: a published version keeps naming the one it used.
    logo = models.FileField(upload_to="logos/%Y/", blank=True, max_length=255)
    logo_alt = models.CharField(
        "logo's alternative text",
        max_length=250,
        blank=True,
        help_text='What the logo says, e.g. "Swale Community Safety Partnership".',
    )
    logo_is_decorative = models.BooleanField(
        "the logo is decorative",
        default=False,
        help_text="It repeats the partnership's name printed beside it: readers skip it.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="district", parent__isnull=False)
                | (~Q(kind="district") & Q(parent__isnull=True)),
                name="partnership_district_has_county_parent",
                violation_error_message="A district partnership sits under its county; "
                "a county or unitary partnership has no parent.",
            ),
            models.CheckConstraint(
                condition=Q(logo="") | Q(logo_is_decorative=True) | ~Q(logo_alt=""),
                name="partnership_logo_alt_or_decorative",
                violation_error_message="A logo has alternative text or is decorative.",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name


class PartnershipAgency(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT)

    class Meta:
        verbose_name = "member agency"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "agency"], name="partnership_agency_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} in {self.partnership}"


class Membership(models.Model):
    """A user's role in one partnership."""

    class Role(models.TextChoices):
        OFFICER = "officer", "Officer"
        COORDINATOR = "coordinator", "Coordinator"
        EXECUTIVE = "executive", "Executive member"
        COUNTY_ADMIN = "county_admin", "County admin"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        help_text="The agency the person works for. Officers update what it leads.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partnership"], name="membership_one_role_per_partnership"
            ),
            models.CheckConstraint(
                condition=~Q(role="officer") | Q(agency__isnull=False),
                name="membership_officer_has_agency",
                violation_error_message="An officer works for an agency.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} of {self.partnership}"


class PlanShape(models.TextChoices):
    """How a plan spreads over its years (Plan.shape, from its years and action plan)."""

    ONE_YEAR = "one_year", "One-year plan"
    MULTI_YEAR = "multi_year", "Multi-year plan"
    STRATEGY_YEARLY = "strategy_yearly", "Multi-year strategy with a yearly action plan"


class Plan(models.Model):
    """A partnership's Community Safety Agreement or Community Safety Plan for a period."""

    class Kind(models.TextChoices):
        CSA = "csa", "Community Safety Agreement"
        COMMUNITY_SAFETY_PLAN = "community_safety_plan", "Community Safety Plan"
        STRATEGY = "strategy", "Community Safety Strategy"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        SUPERSEDED = "superseded", "Superseded"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)
    start_year = models.PositiveSmallIntegerField(
        help_text="The year the first financial year starts: 2023 for 2023/24.",
        validators=[MinValueValidator(2000), MaxValueValidator(2099)],
    )
    end_year = models.PositiveSmallIntegerField(
        help_text="The year the last financial year ends: 2024 for 2023/24.",
        validators=[MinValueValidator(2001), MaxValueValidator(2100)],
    )
    action_plan_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="For a multi-year strategy with a yearly action plan: the financial year "
        "of this action plan (2025 for 2025/26). Empty when the actions run for the whole "
        "period.",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refreshes",
        help_text="The plan this one refreshes (for a strategy: last year's action plan).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "-start_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gt=models.F("start_year")),
                name="plan_period_ends_after_it_starts",
                violation_error_message="The period must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(action_plan_year__isnull=True)
                | Q(
                    action_plan_year__gte=models.F("start_year"),
                    action_plan_year__lt=models.F("end_year"),
                ),
                name="plan_action_plan_year_within_period",
                violation_error_message="The action plan's year is one of the strategy's years.",
            ),
            models.UniqueConstraint(
                fields=["partnership", "kind", "start_year", "end_year"],
                condition=Q(action_plan_year__isnull=True),
                name="plan_one_per_kind_and_period",
                violation_error_message="This partnership already has a plan of this kind "
                "for this period.",
            ),
            models.UniqueConstraint(
                fields=["partnership", "kind", "start_year", "end_year", "action_plan_year"],
                condition=Q(action_plan_year__isnull=False),
                name="plan_one_action_plan_per_strategy_year",
                violation_error_message="This strategy already has an action plan for this year.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.period_label})"

    @property
    def period_label(self) -> str:
        return financial_year_label(self.start_year, self.end_year)

    @property
    def shape(self) -> str:
        if self.action_plan_year is not None:
            return PlanShape.STRATEGY_YEARLY
        if self.end_year - self.start_year == 1:
            return PlanShape.ONE_YEAR
        return PlanShape.MULTI_YEAR

    def get_shape_display(self) -> str:
        return PlanShape(self.shape).label

    @property
    def action_plan_label(self) -> str:
        """'2025/26' for a strategy's yearly action plan; else the plan's period."""
        if self.action_plan_year is None:
            return self.period_label
        return financial_year_label(self.action_plan_year)

    @property
    def period_start(self) -> date:
        """1 April of the first financial year."""
        return date(self.start_year, 4, 1)

    @property
    def period_end(self) -> date:
        """31 March of the last financial year."""
        return date(self.end_year, 3, 31)


class GeneratedTable(models.TextChoices):
    """Tables a section can show after its text, built from the data at publication."""

    COUNTY_PRIORITIES = "county_priorities", "Priorities and cross-cutting themes"
    LEADS = "leads", "Leads of the priorities"
    RESPONSIBLE_AUTHORITIES = "responsible_authorities", "Responsible authorities"
    ASSESSMENT_COUNTS = "assessment_counts", "Strategic assessments: CSPs per category"
    PCC_PRIORITIES = "pcc_priorities", "Priorities beside the PCC's priorities"
    ACTION_PLAN = "action_plan", "The action plan"
    FUNDED_PROJECTS = "funded_projects", "Grants and the projects they fund"
    INDICATORS = "indicators", "Performance indicators"


class PlanSection(models.Model):
    """An ordered narrative chapter of a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text="Markdown: headings, lists, links, tables.")
    is_restricted = models.BooleanField(
        "restricted",
        default=False,
        help_text="Not for publication: never in a public page or a published PDF.",
    )
    generated = models.CharField(
        "table built by the tool",
        max_length=30,
        choices=GeneratedTable.choices,
        blank=True,
        help_text="A table the tool builds from the plan's data, shown after the text.",
    )
    starts_new_page = models.BooleanField(
        "starts on a new page",
        default=False,
        help_text="In the PDF, the chapter starts on a new page; otherwise it follows on "
        "from the previous one.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return self.title


class SectionImage(models.Model):
    """A picture shown after a section's text: a chart, a diagram, a photograph.

    Its file is never changed or deleted here: a published version's snapshot names it.
    """

    section = models.ForeignKey(PlanSection, on_delete=models.CASCADE, related_name="images")
    order = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="section-images/%Y/", max_length=255)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField(default=0, help_text="In pixels; 0 if the SVG has none.")
    height = models.PositiveIntegerField(default=0)
    alt = models.CharField(
        "alternative text",
        max_length=250,
        blank=True,
        help_text="What the image shows, for a reader who cannot see it.",
    )
    is_decorative = models.BooleanField(
        "decorative",
        default=False,
        help_text="It adds nothing the text does not say: readers skip it.",
    )
    caption = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["section", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_decorative=True) | ~Q(alt=""),
                name="section_image_alt_or_decorative",
                violation_error_message="An image has alternative text or is decorative.",
            ),
        ]

    def __str__(self) -> str:
        return self.alt or self.caption or "Decorative image"


class PlanVersion(models.Model):
    """One row of a document's version control table: what was agreed and when.

    A version is recorded (known from the document's own table, no file here), rendering,
    failed (the accessibility check stopped it) or published. A published version is
    frozen: database triggers refuse any change to it or its changes
    (plans/triggers.py, migration 0003), so its PDF, checksum and snapshot never move.
    """

    class Status(models.TextChoices):
        RECORDED = "recorded", "Recorded"
        RENDERING = "rendering", "Rendering"
        FAILED = "failed", "Failed"
        PUBLISHED = "published", "Published"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.CharField(max_length=10, help_text='e.g. "8.0".')
    effective_date = models.DateField()
    summary = models.CharField(max_length=300, blank=True)
    findings_confirmed = models.CharField(
        max_length=16,
        blank=True,
        help_text="The editor's check's findings the publisher confirmed (their key): "
        "'Try again' goes without asking again only while the check finds the same.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECORDED)
    pdf = models.FileField(upload_to="publications/%Y/", blank=True, max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveBigIntegerField("size in bytes", null=True, blank=True)
    snapshot = models.JSONField(
        default=dict, blank=True, help_text="The data the published document was made from."
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=50, blank=True)
    failure_reasons = models.JSONField(
        default=list, blank=True, help_text="Why publishing stopped, one problem each."
    )
    accessibility_warnings = models.JSONField(default=list, blank=True)
    render_seconds = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "effective_date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique"),
            models.CheckConstraint(
                condition=~Q(status="published")
                | (~Q(pdf="") & Q(size__isnull=False, published_at__isnull=False) & ~Q(sha256="")),
                name="plan_version_published_has_its_file",
                violation_error_message="A published version has its PDF, size and checksum.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.title} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class PlanVersionChange(models.Model):
    """One change listed against a version, by chapter ("Ch.5 – achievements added")."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="changes")
    order = models.PositiveIntegerField(default=0)
    chapter = models.CharField(max_length=80, blank=True)
    description = models.TextField()

    class Meta:
        ordering = ["version", "order"]

    def __str__(self) -> str:
        return f"{self.chapter} – {self.description}" if self.chapter else self.description
