from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "CSP Tracker administration"
admin.site.site_title = "CSP Tracker admin"

urlpatterns = [
    path("", include("pages.urls")),
    path("accounts/", include("accounts.urls")),
    path("actions/", include("actions.urls")),
    path("plans/actions/", include("actions.authoring_urls")),
    path("plans/publishing/", include("reporting.publishing_urls")),
    path("plans/", include("priorities.urls")),
    path("published/", include("reporting.public_urls")),
    path("reports/", include("reporting.urls")),
    path("admin/", admin.site.urls),
]
