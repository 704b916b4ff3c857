from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_overview, name="overview"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/sections/add/", views.section_add, name="section_add"),
    path("sections/<int:pk>/edit/", views.section_edit, name="section_edit"),
    path("sections/<int:pk>/move/", views.section_move, name="section_move"),
    path("sections/<int:pk>/remove/", views.section_delete, name="section_remove"),
    path("sections/<int:pk>/images/", views.section_images, name="section_images"),
    path("section-images/<int:pk>/edit/", views.section_image_edit, name="section_image_edit"),
    path(
        "section-images/<int:pk>/remove/", views.section_image_remove, name="section_image_remove"
    ),
]
