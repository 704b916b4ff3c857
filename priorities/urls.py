from django.urls import path

from priorities import views
from priorities.services import HeadingKind

app_name = "authoring"

P, T = {"kind": HeadingKind.PRIORITY}, {"kind": HeadingKind.THEME}

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_overview, name="overview"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/sections/add/", views.section_add, name="section_add"),
    path("sections/<int:pk>/edit/", views.section_edit, name="section_edit"),
    path("sections/<int:pk>/move/", views.section_move, name="section_move"),
    path("sections/<int:pk>/remove/", views.section_delete, name="section_remove"),
    path("<int:pk>/priorities/add/", views.heading_add, P, name="priority_add"),
    path("priorities/<int:pk>/edit/", views.heading_edit, P, name="priority_edit"),
    path("priorities/<int:pk>/move/", views.heading_move, P, name="priority_move"),
    path("priorities/<int:pk>/remove/", views.heading_delete, P, name="priority_remove"),
    path("<int:pk>/themes/add/", views.heading_add, T, name="theme_add"),
    path("themes/<int:pk>/edit/", views.heading_edit, T, name="theme_edit"),
    path("themes/<int:pk>/move/", views.heading_move, T, name="theme_move"),
    path("themes/<int:pk>/remove/", views.heading_delete, T, name="theme_remove"),
]
