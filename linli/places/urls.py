from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("tree/", views.tree, name="tree"),
    path("map/", views.grid_map, name="map"),
    path("grids.geojson", views.grids_geojson, name="grids_geojson"),
    path("grids/<str:code>/", views.grid_detail, name="grid"),
    path("buildings/<int:pk>/", views.building_detail, name="building"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("locate/", views.locate_point, name="locate"),
]
