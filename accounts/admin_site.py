"""The Django admin site: a tool for service administrators (superusers) only.

Everything a county admin or a coordinator does has its own page, so nobody else needs
the admin: the signed-out are sent to sign in, anyone else signed in is refused (403).
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


class AdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)

    def login(
        self, request: HttpRequest, extra_context: dict[str, object] | None = None
    ) -> HttpResponse:
        # Django's admin would offer a signed-in person its sign-in form again.
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied
        return super().login(request, extra_context)
