from django.urls import path

from priorities import views
from priorities.services import HeadingKind

app_name = "priorities"

P, T = {"kind": HeadingKind.PRIORITY}, {"kind": HeadingKind.THEME}

urlpatterns = [
    path("plan/<int:pk>/add/", views.heading_add, P, name="priority_add"),
    path("<int:pk>/edit/", views.heading_edit, P, name="priority_edit"),
    path("<int:pk>/move/", views.heading_move, P, name="priority_move"),
    path("<int:pk>/remove/", views.heading_delete, P, name="priority_remove"),
    path("plan/<int:pk>/themes/add/", views.heading_add, T, name="theme_add"),
    path("themes/<int:pk>/edit/", views.heading_edit, T, name="theme_edit"),
    path("themes/<int:pk>/move/", views.heading_move, T, name="theme_move"),
    path("themes/<int:pk>/remove/", views.heading_delete, T, name="theme_remove"),
    # Headings within a priority or theme (model: Workstream)
    path("<int:pk>/headings/", views.workstream_list, P, name="workstreams"),
    path("themes/<int:pk>/headings/", views.workstream_list, T, name="theme_workstreams"),
    path("<int:pk>/headings/add/", views.workstream_add, P, name="workstream_add"),
    path("themes/<int:pk>/headings/add/", views.workstream_add, T, name="theme_workstream_add"),
    path("headings/<int:pk>/edit/", views.workstream_edit, name="workstream_edit"),
    path("headings/<int:pk>/move/", views.workstream_move, name="workstream_move"),
    path("headings/<int:pk>/remove/", views.workstream_delete, name="workstream_remove"),
]
