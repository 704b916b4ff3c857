from django.urls import path

from actions import authoring

app_name = "action_authoring"

urlpatterns = [
    path("<int:pk>/add/", authoring.action_add, name="add"),
    path("<int:pk>/move/", authoring.action_move_view, name="move"),
    path("<int:pk>/renumber/", authoring.renumber, name="renumber"),
]
