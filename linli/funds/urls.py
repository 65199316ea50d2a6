from django.urls import path

from . import views

app_name = "funds"
urlpatterns = [
    path("", views.fund_list, name="list"),
    path("<int:pk>/", views.fund_detail, name="detail"),
    path("<int:pk>/statement/", views.statement, name="statement"),
    path("<int:pk>/buildings/<int:building_id>/", views.building_page, name="building"),
    path("<int:pk>/buildings/<int:building_id>/pay/", views.pay, name="pay"),
    path("<int:pk>/buildings/<int:building_id>/exempt/", views.exempt, name="exempt"),
    path("<int:pk>/entries/", views.ledger, name="ledger"),
    path("<int:pk>/entries/<int:entry_id>/", views.entry_detail, name="entry"),
    path("<int:pk>/entries/<int:entry_id>/reverse/", views.reverse_entry, name="reverse"),
    path("<int:pk>/rates/", views.rates, name="rates"),
    path("<int:pk>/exemptions/", views.exemptions, name="exemptions"),
    path("<int:pk>/exemptions/<int:exemption_id>/withdraw/", views.cancel_exemption, name="cancel_exemption"),
    path("<int:pk>/claims/", views.claims, name="claims"),
    path("<int:pk>/claims/<int:claim_id>/", views.claim_detail, name="claim"),
    path("<int:pk>/claims/<int:claim_id>/receipt.jpg", views.claim_receipt, name="claim_receipt"),
]
