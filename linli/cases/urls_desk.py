"""Desk URLs (included from ``linli.cases.urls`` under the ``cases`` namespace, at ``/cases/``)."""

from django.urls import path, re_path

from .views import desk as views

NUMBER = r"(?P<number>[0-9]{6,24})"
UUID = r"(?P<photo>[0-9a-fA-F-]{32,36})"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("board/", views.board, name="board"),
    path("public/", views.public_list, name="public_list"),
    path("public/map/", views.public_map, name="public_map"),
    path("public/cases.geojson", views.public_geojson, name="public_geojson"),
    re_path(rf"^public/photos/{UUID}\.jpg$", views.public_photo, name="public_photo"),
    re_path(rf"^public/photos/{UUID}/thumb\.jpg$", views.public_photo, {"size": "thumb"},
            name="public_photo_thumb"),
    re_path(rf"^{NUMBER}/$", views.case_detail, name="case_detail"),
    re_path(rf"^{NUMBER}/act/$", views.case_act, name="case_act"),
    re_path(rf"^{NUMBER}/moderate/$", views.case_moderate, name="case_moderate"),
    re_path(rf"^{NUMBER}/photos/{UUID}\.jpg$", views.case_photo, name="case_photo"),
    re_path(rf"^{NUMBER}/photos/{UUID}/thumb\.jpg$", views.case_photo, {"size": "thumb"}, name="case_photo_thumb"),
]
