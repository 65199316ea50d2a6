from django.urls import path

from .views import basemap as views_basemap
from .views import grids as views
from .views import stations as views_stations
from .views import units as views_units

app_name = "places"
urlpatterns = [
    path("map/", views.grid_map, name="map"),
    path("grids.geojson", views.grids_geojson, name="grids_geojson"),
    path("basemap.geojson", views_basemap.basemap, name="basemap"),
    path("locate/", views.locate_point, name="locate"),
    path("departments/<int:pk>/", views_units.department_page, name="department"),
    path("partners/<int:pk>/", views_units.partner_page, name="partner"),
    path("stations/", views_stations.finder, name="stations"),
    path("stations.json", views_stations.finder_json, name="stations_json"),
    path("stations/<int:pk>/", views_stations.station_detail, name="station"),
    path("stations/<int:pk>/photos/<int:photo_id>/", views_stations.station_photo, name="station_photo"),
    path("stations/coverage/", views_stations.coverage, name="coverage"),
    path("stations/coverage.geojson", views_stations.coverage_geojson, name="coverage_geojson"),
]
