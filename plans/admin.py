from typing import Any

from django.contrib import admin
from django.contrib.admin.options import BaseModelAdmin, InlineModelAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import ForeignKey, Model, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse
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
from plans.rules import access_for, plan_is_open


class HistoryAdmin(SimpleHistoryAdmin):
    """Shows an object's history and never writes it back: a revert would save an old row
    past every check the services and the read-only admins make (simple_history's revert
    form saves whatever is posted to it, even with its button hidden)."""

    def revert_disabled(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return True

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, object] | None = None,
    ) -> HttpResponse:
        if request.method != "GET":
            raise PermissionDenied("History is never reverted")
        response: HttpResponse = super().history_form_view(
            request, object_id, version_id, extra_context
        )
        return response


class PartnershipScopedMixin(admin.ModelAdmin):
    """The admin lists and offers only what belongs to the partnerships the person may see.
    Only service administrators (superusers, who see everything) use the admin
    (accounts/admin_site.py); this stays as a second line should that ever widen.
    ``partnership_path`` leads from the model to its partnership."""

    partnership_path = "partnership__"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        return qs.filter(access_for(request.user).partnership_filter(self.partnership_path))

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        visible = access_for(request.user)
        if db_field.related_model is Partnership:
            kwargs["queryset"] = Partnership.objects.filter(visible.partnership_filter())
        elif db_field.related_model is Plan:
            kwargs["queryset"] = Plan.objects.filter(visible.partnership_filter("partnership__"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PartnershipScopedAdmin(PartnershipScopedMixin, HistoryAdmin):
    pass


def _open(request: HttpRequest, obj: Model | None) -> bool:
    return obj is None or plan_is_open(request.user, obj)


class OpenPlanOnlyMixin(BaseModelAdmin):
    """A superseded plan, and all that belongs to it, is read-only here as on the pages:
    the same rule (plans.rules.plan_is_open), asked of the object shown (an inline is asked
    with its parent). Asked directly, not through has_perm, which lets superusers do
    anything; the services refuse such a change too."""

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return _open(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return _open(request, obj) and super().has_delete_permission(request, obj)


class OpenPlanOnlyInlineMixin(OpenPlanOnlyMixin, InlineModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return _open(request, obj) and super().has_add_permission(request, obj)


@admin.register(Agency)
class AgencyAdmin(HistoryAdmin):
    list_display = ["short_name", "name", "kind", "is_responsible_authority"]
    list_filter = ["kind", "is_responsible_authority"]
    search_fields = ["name", "short_name"]


class PartnershipAgencyInline(admin.TabularInline):
    model = PartnershipAgency
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(Partnership)
class PartnershipAdmin(PartnershipScopedAdmin):
    partnership_path = ""

    list_display = ["name", "short_name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [PartnershipAgencyInline]


@admin.register(Membership)
class MembershipAdmin(PartnershipScopedAdmin):
    list_display = ["user", "partnership", "role", "agency"]
    list_filter = ["role", ("partnership", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user", "agency"]
    list_select_related = ["user", "partnership", "agency"]


class PlanSectionInline(OpenPlanOnlyInlineMixin, admin.StackedInline):
    model = PlanSection
    extra = 0


@admin.register(Plan)
class PlanAdmin(OpenPlanOnlyMixin, PartnershipScopedAdmin):
    list_display = ["title", "partnership", "kind", "period_label", "status"]
    list_filter = ["kind", "status", ("partnership", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title"]
    list_select_related = ["partnership"]
    inlines = [PlanSectionInline]


def _is_published(obj: Model | None) -> bool:
    version = obj.version if isinstance(obj, PlanVersionChange) else obj
    return isinstance(version, PlanVersion) and version.status == PlanVersion.Status.PUBLISHED


class PlanVersionChangeInline(admin.TabularInline):
    model = PlanVersionChange
    extra = 0

    # A published version is frozen (plans/triggers.py): read-only here too.
    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not _is_published(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not _is_published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not _is_published(obj) and super().has_delete_permission(request, obj)


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "effective_date", "status", "summary"]
    list_filter = ["status"]
    list_select_related = ["plan"]
    inlines = [PlanVersionChangeInline]
    readonly_fields = [
        "status",
        "pdf",
        "sha256",
        "size",
        "snapshot",
        "published_by",
        "published_at",
        "task_id",
        "failure_reasons",
        "accessibility_warnings",
        "render_seconds",
    ]

    # Published versions are frozen: the admin shows them and changes nothing.
    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not _is_published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not _is_published(obj) and super().has_delete_permission(request, obj)
