"""The registry pages, mounted by ``linli/urls.py`` under ``/places/`` beside the places app's own pages
(one namespace, ``places``), so their addresses did not change when they moved here."""

from django.urls import path

from .views import registry as views

urlpatterns = [
    path("tree/", views.tree, name="tree"),
    path("grids/<str:code>/", views.grid_detail, name="grid"),
    path("buildings/<int:pk>/", views.building_detail, name="building"),
    path("households/<int:pk>/", views.household_detail, name="household"),
]
