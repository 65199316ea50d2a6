from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("map/", views.grid_map, name="map"),
    path("grids.geojson", views.grids_geojson, name="grids_geojson"),
    path("locate/", views.locate_point, name="locate"),
]
