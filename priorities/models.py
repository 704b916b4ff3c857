from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from plans.models import Agency, Partnership, Plan


class PriorityCategory(models.Model):
    """A county category that district priorities map to (CSA Appendix A)."""

    order = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=200, unique=True)
    includes = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name_plural = "priority categories"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class PlanHeading(models.Model):
    """What priorities and cross-cutting themes share: the parts a plan writes for each.

    The lists are structured (priorities/lists.py): each item its text and the items
    under it, so "what it includes" keeps its nested points.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE)
    number = models.PositiveSmallIntegerField(help_text="Its number and order within the plan.")
    title = models.CharField(max_length=200)
    summary = models.TextField(
        "why it is a priority", blank=True, help_text="The summary of the issue, as text."
    )
    facts = models.JSONField("key facts", default=list, blank=True)
    includes = models.JSONField(
        "what it includes", default=list, blank=True, help_text="The focus: a nested list."
    )
    outcomes = models.JSONField("outcomes sought", default=list, blank=True)
    lead = models.CharField(
        max_length=300, blank=True, help_text="The lead as the plan names it (CSA leads table)."
    )
    lead_agencies = models.ManyToManyField(Agency, blank=True, related_name="+")
    categories = models.ManyToManyField(
        PriorityCategory,
        blank=True,
        related_name="+",
        verbose_name="county categories",
        help_text="The county categories it maps to: it counts under each (CSA Appendix A).",
    )

    class Meta:
        abstract = True
        ordering = ["plan", "number"]

    def __str__(self) -> str:
        return self.title


class Priority(PlanHeading):
    history = HistoricalRecords()

    class Meta(PlanHeading.Meta):
        verbose_name_plural = "priorities"
        default_related_name = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="priority_number_unique"),
        ]

    @property
    def label(self) -> str:
        return f"Priority {self.number}: {self.title}"


class CrossCuttingTheme(PlanHeading):
    note = models.TextField(
        blank=True,
        help_text='Shown under the theme in the action plan, e.g. "Actions already '
        'contained within other priority sections."',
    )

    history = HistoricalRecords()

    class Meta(PlanHeading.Meta):
        verbose_name = "cross-cutting theme"
        default_related_name = "themes"
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="theme_number_unique"),
        ]

    @property
    def label(self) -> str:
        return f"Cross-cutting theme {self.number}: {self.title}"


class Workstream(models.Model):
    """A heading that groups a priority's or theme's actions (e.g. Pursue, Prevent)."""

    priority = models.ForeignKey(
        Priority, on_delete=models.CASCADE, null=True, blank=True, related_name="workstreams"
    )
    theme = models.ForeignKey(
        CrossCuttingTheme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="workstreams",
    )
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)

    class Meta:
        verbose_name = "heading"
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(priority__isnull=False, theme__isnull=True)
                | Q(priority__isnull=True, theme__isnull=False),
                name="workstream_under_priority_or_theme",
                violation_error_message="A workstream sits under exactly one priority or theme.",
            ),
            models.UniqueConstraint(
                fields=["priority", "title"],
                condition=Q(priority__isnull=False),
                name="workstream_title_unique_in_priority",
                violation_error_message="The priority already has a heading with this title.",
            ),
            models.UniqueConstraint(
                fields=["theme", "title"],
                condition=Q(theme__isnull=False),
                name="workstream_title_unique_in_theme",
                violation_error_message="The theme already has a heading with this title.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def parent(self) -> "Priority | CrossCuttingTheme":
        return self.priority or self.theme  # type: ignore[return-value]


class StrategicAssessmentChoice(models.Model):
    """A district's strategic-assessment choice of a county category for a year, for
    districts whose plan is not kept in the tool (CSA Appendix A)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="assessment_choices"
    )
    financial_year = models.PositiveSmallIntegerField(help_text="2024 for 2024/25.")
    category = models.ForeignKey(PriorityCategory, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "financial_year", "category"],
                name="assessment_choice_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} {self.financial_year}: {self.category}"


class PoliceAndCrimePlan(models.Model):
    """The Police and Crime Commissioner's plan, shown beside the CSA's priorities."""

    title = models.CharField(max_length=200)
    period = models.CharField(max_length=20, help_text='As written, e.g. "2022-2025".')
    author = models.CharField(max_length=200, blank=True)
    area = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="pcc_plans",
        help_text="The county partnership whose CSA shows it.",
    )

    class Meta:
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(fields=["title", "period"], name="pcc_plan_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.period}"


class PccPriority(models.Model):
    pcc_plan = models.ForeignKey(
        PoliceAndCrimePlan, on_delete=models.CASCADE, related_name="priorities"
    )
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)

    class Meta:
        verbose_name = "PCC priority"
        verbose_name_plural = "PCC priorities"
        ordering = ["pcc_plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pcc_plan", "number"], name="pcc_priority_unique"),
        ]

    def __str__(self) -> str:
        return self.title
