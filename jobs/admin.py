from django.contrib import admin
from django.http import HttpRequest

from jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only, for service administrators: what was queued and how far it got."""

    list_display = ["name", "args", "state", "sends", "runs", "created_at", "finished_at"]
    list_filter = ["state", "name"]
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser
