from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "CSP Tracker administration"
admin.site.site_title = "CSP Tracker admin"

urlpatterns = [
    path("", include("pages.urls")),
    path("accounts/", include("accounts.urls")),
    path("actions/", include("actions.urls")),
    path("performance/", include("performance.urls")),
    path("plans/", include("plans.urls")),
    path("partnerships/", include("partnerships.urls")),
    path("priorities/", include("priorities.urls")),
    path("publishing/", include("publishing.urls")),
    path("published/", include("publishing.public_urls")),
    path("reports/", include("reporting.urls")),
    path("admin/", admin.site.urls),
]
