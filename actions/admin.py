from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from accounts.models import User
from actions import services
from actions.models import Action, Milestone, StatusUpdate
from actions.selectors import with_current_status
from actions.templatetags.actions_tags import status_label
from csp_tracker import clock
from plans.admin import (
    OpenPlanOnlyInlineMixin,
    OpenPlanOnlyMixin,
    PartnershipScopedAdmin,
    PartnershipScopedMixin,
)

# A milestone's due date and kind are derived from its timescale (actions.services), never
# typed here; its version is raised by every save, so a page's stale edit is refused.
MILESTONE_DERIVED = ["timescale_kind", "due_date", "lock_version"]


def _editor(request: HttpRequest) -> User | None:
    """Who the change history names: the admin's signed-in user."""
    return request.user if isinstance(request.user, User) else None


class MilestoneInline(OpenPlanOnlyInlineMixin, admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["order", "description", "lead_text", "lead", "timescale", "due_date", "done_date"]
    readonly_fields = ["due_date"]


@admin.register(Action)
class ActionAdmin(OpenPlanOnlyMixin, PartnershipScopedAdmin):
    partnership_path = "plan__partnership__"
    list_display = ["reference", "title", "plan", "priority", "theme", "lead_text", "status"]
    list_display_links = ["reference", "title"]
    list_filter = [("plan", admin.RelatedOnlyFieldListFilter), "is_grant_funded", "is_linked"]
    search_fields = ["reference", "title"]
    list_select_related = ["plan", "priority", "theme"]
    filter_horizontal = ["lead_agencies", "supports_themes"]
    readonly_fields = ["lineage", "lock_version", "updates_version"]
    inlines = [MilestoneInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Action]:
        return with_current_status(super().get_queryset(request), as_of=clock.update_quarter())

    @admin.display(description="current status", ordering="current_status")
    def status(self, action: Action) -> str:
        """The same current status as the pages show (across the action's lineage)."""
        return status_label(getattr(action, "current_status", None))

    def save_model(self, request: HttpRequest, obj: Action, form: ModelForm, change: bool) -> None:
        services.action_save(action=obj, user=_editor(request))

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is not Milestone:
            super().save_formset(request, form, formset, change)
            return
        for milestone in formset.save(commit=False):
            services.milestone_save(milestone=milestone, user=_editor(request))
        for milestone in formset.deleted_objects:
            milestone.delete()


@admin.register(Milestone)
class MilestoneAdmin(OpenPlanOnlyMixin, PartnershipScopedAdmin):
    partnership_path = "action__plan__partnership__"
    list_display = ["description", "action", "timescale", "due_date", "done_date"]
    list_select_related = ["action"]
    search_fields = ["description"]
    readonly_fields = MILESTONE_DERIVED

    def save_model(
        self, request: HttpRequest, obj: Milestone, form: ModelForm, change: bool
    ) -> None:
        services.milestone_save(milestone=obj, user=_editor(request))


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
