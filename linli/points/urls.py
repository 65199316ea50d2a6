"""Points pages, mounted at ``/points/`` (namespace ``points``)."""

from django.urls import path

from . import views

app_name = "points"

urlpatterns = [
    path("", views.my_points, name="points"),
    path("rewards/", views.reward_list, name="rewards"),
    path("rewards/<int:pk>/redeem/", views.redeem, name="redeem"),
    path("redemptions/<int:pk>/", views.redemption_detail, name="redemption"),
    path("shop/", views.shop, name="shop"),
    path("archive/<int:person_id>/", views.archive_view, name="archive"),
    path("archive/<int:person_id>.xlsx", views.archive_xlsx, name="archive_xlsx"),
    path("archive/<int:person_id>/award/", views.award, name="award"),
    path("archive/<int:person_id>/reverse/<int:transfer_id>/", views.reverse_transfer, name="reverse"),
    path("figures/", views.figures, name="figures"),
]
