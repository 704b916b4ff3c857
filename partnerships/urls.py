from django.urls import path

from partnerships import views

app_name = "partnerships"

urlpatterns = [
    path("", views.partnership_list, name="list"),
    path("new/", views.partnership_create, name="create"),
    path("invitations/<int:pk>/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("<slug:slug>/", views.partnership_detail, name="detail"),
    path("<slug:slug>/edit/", views.partnership_edit, name="edit"),
    path("<slug:slug>/logo/", views.partnership_logo, name="logo"),
    path("<slug:slug>/logo/remove/", views.partnership_logo_remove, name="logo_remove"),
    path("<slug:slug>/agencies/", views.agency_list, name="agencies"),
    path("<slug:slug>/agencies/add/", views.agency_add, name="agency_add"),
    path("<slug:slug>/agencies/new/", views.agency_create, name="agency_create"),
    path("<slug:slug>/agencies/<int:pk>/edit/", views.agency_edit, name="agency_edit"),
    path("<slug:slug>/agencies/<int:pk>/remove/", views.agency_remove, name="agency_remove"),
    path("<slug:slug>/people/", views.people, name="people"),
    path("<slug:slug>/people/invite/", views.invite, name="invite"),
    path("<slug:slug>/people/<int:pk>/edit/", views.membership_edit, name="membership_edit"),
    path("<slug:slug>/people/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
    path(
        "<slug:slug>/invitations/<int:pk>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
]
