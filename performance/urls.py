from django.urls import include, path

from performance import views

app_name = "performance"

# The pages of one partnership, grant, project, bid or indicator, under its address.
partnership_urls = [
    path("", views.partnership, name="partnership"),
    path("grants/add/", views.GrantAdd.as_view(), name="grant_add"),
    path("indicators/add/", views.IndicatorAdd.as_view(), name="indicator_add"),
    path("indicator-values.<str:fmt>", views.values_export, name="values_export"),
]
grant_urls = [
    path("", views.grant_detail, name="grant_detail"),
    path("edit/", views.GrantEdit.as_view(), name="grant_edit"),
    path("return/", views.GrantReturn.as_view(), name="grant_return"),
    path("working-group-update/", views.grant_update_table, name="grant_update_table"),
    path("projects.<str:fmt>", views.projects_export, name="projects_export"),
    path("projects/add/", views.ProjectAdd.as_view(), name="project_add"),
    path("bids/add/", views.BidAdd.as_view(), name="bid_add"),
]
project_urls = [
    path("", views.project_detail, name="project_detail"),
    path("edit/", views.ProjectEdit.as_view(), name="project_edit"),
    path("status/", views.ProjectStatusChange.as_view(), name="project_status"),
]
indicator_urls = [
    path("", views.indicator_detail, name="indicator_detail"),
    path("edit/", views.IndicatorEdit.as_view(), name="indicator_edit"),
    path("values/add/", views.ValueAdd.as_view(), name="value_add"),
    path("values/from-update/", views.value_from_update, name="value_from_update"),
]

urlpatterns = [
    path("", views.index, name="index"),
    path("partnerships/<slug:slug>/", include(partnership_urls)),
    path("grants/<int:pk>/", include(grant_urls)),
    path("projects/<int:pk>/", include(project_urls)),
    path("bids/<int:pk>/decide/", views.bid_decide, name="bid_decide"),
    path("indicators/<int:pk>/", include(indicator_urls)),
]
