"""The Django admin site: a tool for service administrators (superusers) only, signed in
to through the service's own sign-in page.

Everything a county admin or a coordinator does has its own page, so nobody else needs
the admin: the signed-out are sent to sign in, anyone else signed in is refused (403).
The admin's own login form would take a password alone; sending it to accounts:login
makes the admin ask for the same two factors as the rest of the service.
"""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse


class AdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)

    def login(
        self, request: HttpRequest, extra_context: dict[str, object] | None = None
    ) -> HttpResponse:
        # Signed in but not a service administrator: signing in again would change nothing
        # (and the service's sign-in would send them straight back here).
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse(
            "admin:index", current_app=self.name
        )
        return redirect_to_login(next_url, login_url=reverse("accounts:login"))
