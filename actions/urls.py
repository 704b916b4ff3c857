from django.urls import path

from actions import views

app_name = "actions"

urlpatterns = [
    path("", views.action_list, name="list"),
    path("mine/", views.my_actions, name="mine"),
    # An update request's link: no sign-in, the token is the key (actions.UpdateRequest).
    path("requests/<int:pk>/<str:token>/", views.update_request_respond, name="request"),
    path("<int:pk>/", views.action_detail, name="detail"),
    # Sign-off, where the partnership wants it: the updates waiting, and one update's.
    path("sign-off/<slug:slug>/", views.sign_off_list, name="sign_off"),
    path("updates/<int:pk>/review/", views.status_update_review, name="review"),
    path("<int:pk>/update/", views.status_update_create, name="update"),
    path("<int:pk>/edit/", views.action_edit, name="edit"),
    path("<int:pk>/milestones/add/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
    # Inside plan plans: the plan's actions.
    path("plan/<int:pk>/add/", views.action_add, name="add"),
    path("<int:pk>/move/", views.action_move, name="move"),
    path("plan/<int:pk>/renumber/", views.renumber, name="renumber"),
    path("plan/<int:pk>/import/", views.action_import, name="import"),
    path("plan/<int:pk>/import/confirm/", views.action_import_confirm, name="import_confirm"),
    path("plan/<int:pk>/import/template/", views.action_import_template, name="import_template"),
    path("plan/<int:pk>/export/", views.action_export, name="export"),
]
