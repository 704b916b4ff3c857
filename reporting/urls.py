from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("county/<slug:slug>/", views.county_overview, name="county"),
    path("partnerships/<slug:slug>/", views.partnership_reports, name="partnership"),
    path("partnerships/<slug:slug>/build/", views.report_build, name="build"),
    path("partnerships/<slug:slug>/calendar/", views.calendar_edit, name="calendar"),
    path("partnerships/<slug:slug>/missing/", views.missing_updates, name="missing"),
    path("partnerships/<slug:slug>/missing/chase/", views.missing_chase, name="chase"),
    path(
        "partnerships/<slug:slug>/missing/<int:agency>/request/",
        views.update_request_send,
        name="request_update",
    ),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/progress/", views.report_progress, name="progress"),
    path("<int:pk>/pdf/", views.report_pdf, name="pdf"),
    path("<int:pk>/rebuild/", views.report_rebuild, name="rebuild"),
]
