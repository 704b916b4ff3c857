from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from actions.models import Action, Milestone, StatusUpdate
from plans.admin import PartnershipScopedAdmin, PartnershipScopedMixin


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["order", "description", "lead_text", "lead", "timescale", "due_date", "done_date"]
    readonly_fields = ["due_date"]


@admin.register(Action)
class ActionAdmin(PartnershipScopedAdmin):
    partnership_path = "plan__partnership__"
    list_display = ["reference", "title", "plan", "priority", "theme", "lead_text"]
    list_display_links = ["reference", "title"]
    list_filter = [("plan", admin.RelatedOnlyFieldListFilter), "is_grant_funded", "is_linked"]
    search_fields = ["reference", "title"]
    list_select_related = ["plan", "priority", "theme"]
    filter_horizontal = ["lead_agencies", "supports_themes"]
    readonly_fields = ["lineage", "lock_version"]
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(PartnershipScopedAdmin):
    partnership_path = "action__plan__partnership__"
    list_display = ["description", "action", "timescale", "due_date", "done_date"]
    list_select_related = ["action"]
    search_fields = ["description"]


@admin.register(StatusUpdate)
class StatusUpdateAdmin(PartnershipScopedMixin, admin.ModelAdmin):
    """Read-only: status updates are history and are never changed or deleted."""

    partnership_path = "action__plan__partnership__"

    list_display = ["action", "financial_year", "quarter", "status", "author", "created_at"]
    list_filter = ["financial_year", "quarter", "status"]
    list_select_related = ["action", "author"]
    search_fields = ["action__reference", "commentary"]

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
