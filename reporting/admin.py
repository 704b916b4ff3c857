from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from plans.admin import PartnershipScopedMixin
from reporting.models import EmailDelivery, ExceptionReport, UpdateReminder


@admin.register(ExceptionReport)
class ExceptionReportAdmin(PartnershipScopedMixin, admin.ModelAdmin):
    """Read-only: reports are built by the service, never edited by hand."""

    list_display = ["partnership", "financial_year", "quarter", "revision", "status", "built_at"]
    list_filter = ["status", "financial_year", "quarter"]
    partnership_path = "partnership__"
    list_select_related = ["partnership"]
    exclude = ["snapshot"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # What the executive was shown is kept.
        return False


@admin.register(UpdateReminder)
class UpdateReminderAdmin(admin.ModelAdmin):
    list_display = ["membership", "financial_year", "quarter", "kind", "days_before", "recorded_at"]
    list_select_related = ["membership__user", "membership__partnership"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(PartnershipScopedMixin, admin.ModelAdmin):
    """Read-only: what was sent, to whom, and what could not be."""

    list_display = ["to", "kind", "partnership", "state", "attempts", "sent_at", "last_error"]
    list_filter = ["state", "kind"]
    search_fields = ["to", "subject"]
    list_select_related = ["partnership"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
