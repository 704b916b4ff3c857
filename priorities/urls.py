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
    path("assessments/<slug:slug>/", views.assessment_list, name="assessments"),
    path("assessments/<slug:slug>/<int:year>/", views.assessment_edit, name="assessment_edit"),
]
