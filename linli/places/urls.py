from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("tree/", views.tree, name="tree"),
    path("map/", views.grid_map, name="map"),
]
