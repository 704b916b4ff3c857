from django.urls import path

from publishing import views

app_name = "publishing"

urlpatterns = [
    path("plans/<int:pk>/preview/", views.preview, name="preview"),
    path("plans/<int:pk>/publish/", views.publish, name="publish"),
    path("plans/<int:pk>/refresh/", views.refresh, name="refresh"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/retry/", views.version_retry, name="version_retry"),
]
