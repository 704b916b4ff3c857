"""The Django admin site, signed in to through the service's own sign-in page.

The admin's own login form would take a password alone; sending it to accounts:login
makes the admin ask for the same two factors as the rest of the service.
"""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse


class AdminSite(admin.AdminSite):
    def login(
        self, request: HttpRequest, extra_context: dict[str, object] | None = None
    ) -> HttpResponse:
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse(
            "admin:index", current_app=self.name
        )
        return redirect_to_login(next_url, login_url=reverse("accounts:login"))
