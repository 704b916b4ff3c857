from django.urls import path

from publishing import public_views

app_name = "public"

urlpatterns = [
    path("", public_views.public_list, name="list"),
    path("<int:pk>/", public_views.public_document, name="document"),
    path("<int:pk>/download/", public_views.public_download, name="download"),
    path("<int:pk>/images/<slug:image>/", public_views.public_image, name="image"),
]
