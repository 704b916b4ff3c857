from django.contrib import admin

from plans.admin import PartnershipScopedAdmin
from priorities.models import (
    CrossCuttingTheme,
    PccPriority,
    PoliceAndCrimePlan,
    Priority,
    PriorityCategory,
    StrategicAssessmentChoice,
    Workstream,
)


@admin.register(PriorityCategory)
class PriorityCategoryAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "includes"]
    list_display_links = ["name"]


@admin.register(Priority, CrossCuttingTheme)
class PlanHeadingAdmin(PartnershipScopedAdmin):
    partnership_path = "plan__partnership__"
    list_display = ["number", "title", "plan", "lead"]
    list_display_links = ["title"]
    list_filter = [("plan", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title"]
    list_select_related = ["plan"]
    filter_horizontal = ["lead_agencies", "categories"]


@admin.register(Workstream)
class WorkstreamAdmin(admin.ModelAdmin):
    list_display = ["title", "priority", "theme", "order"]
    list_select_related = ["priority__plan", "theme__plan"]


@admin.register(StrategicAssessmentChoice)
class StrategicAssessmentChoiceAdmin(admin.ModelAdmin):
    list_display = ["partnership", "financial_year", "category"]
    list_filter = ["financial_year", "partnership"]


class PccPriorityInline(admin.TabularInline):
    model = PccPriority
    extra = 0


@admin.register(PoliceAndCrimePlan)
class PoliceAndCrimePlanAdmin(admin.ModelAdmin):
    list_display = ["title", "period", "area"]
    inlines = [PccPriorityInline]
