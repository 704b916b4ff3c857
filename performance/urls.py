from django.urls import path

from performance import views

app_name = "performance"

urlpatterns = [
    path("", views.index, name="index"),
    path("partnerships/<slug:slug>/", views.partnership, name="partnership"),
    path("partnerships/<slug:slug>/grants/add/", views.GrantAdd.as_view(), name="grant_add"),
    path(
        "partnerships/<slug:slug>/indicators/add/",
        views.IndicatorAdd.as_view(),
        name="indicator_add",
    ),
    path(
        "partnerships/<slug:slug>/indicator-values.<str:fmt>",
        views.values_export,
        name="values_export",
    ),
    path("grants/<int:pk>/", views.grant_detail, name="grant_detail"),
    path("grants/<int:pk>/edit/", views.GrantEdit.as_view(), name="grant_edit"),
    path("grants/<int:pk>/return/", views.GrantReturn.as_view(), name="grant_return"),
    path(
        "grants/<int:pk>/working-group-update/",
        views.grant_update_table,
        name="grant_update_table",
    ),
    path("grants/<int:pk>/projects.<str:fmt>", views.projects_export, name="projects_export"),
    path("grants/<int:pk>/projects/add/", views.ProjectAdd.as_view(), name="project_add"),
    path("grants/<int:pk>/bids/add/", views.BidAdd.as_view(), name="bid_add"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.ProjectEdit.as_view(), name="project_edit"),
    path("projects/<int:pk>/status/", views.ProjectStatusChange.as_view(), name="project_status"),
    path("bids/<int:pk>/decide/", views.bid_decide, name="bid_decide"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("indicators/<int:pk>/edit/", views.IndicatorEdit.as_view(), name="indicator_edit"),
    path("indicators/<int:pk>/values/add/", views.ValueAdd.as_view(), name="value_add"),
    path(
        "indicators/<int:pk>/values/from-update/",
        views.value_from_update,
        name="value_from_update",
    ),
]
