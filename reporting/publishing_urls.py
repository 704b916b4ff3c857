from django.urls import path

from reporting import publishing_views as views

app_name = "publishing"

urlpatterns = [
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/refresh/", views.refresh, name="refresh"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
]
