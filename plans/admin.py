from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from plans.models import (
    Agency,
    Membership,
    Partnership,
    PartnershipAgency,
    Plan,
    PlanSection,
    PlanVersion,
    PlanVersionChange,
)


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["short_name", "name", "kind", "is_responsible_authority"]
    list_filter = ["kind", "is_responsible_authority"]
    search_fields = ["name", "short_name"]


class PartnershipAgencyInline(admin.TabularInline):
    model = PartnershipAgency
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [PartnershipAgencyInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "partnership", "role", "agency"]
    list_filter = ["role", "partnership"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user", "agency"]
    list_select_related = ["user", "partnership", "agency"]


class PlanSectionInline(admin.StackedInline):
    model = PlanSection
    extra = 0


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "partnership", "kind", "period_label", "status"]
    list_filter = ["kind", "status", "partnership"]
    search_fields = ["title"]
    list_select_related = ["partnership"]
    inlines = [PlanSectionInline]


class PlanVersionChangeInline(admin.TabularInline):
    model = PlanVersionChange
    extra = 0


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "effective_date", "summary"]
    list_select_related = ["plan"]
    inlines = [PlanVersionChangeInline]
