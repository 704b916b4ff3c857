from django.urls import path

from reporting import publishing_views as views

app_name = "public"

urlpatterns = [
    path("", views.public_list, name="list"),
    path("<int:pk>/download/", views.public_download, name="download"),
]
