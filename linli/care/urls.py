from django.urls import path

from . import views, views_services

app_name = "care"

urlpatterns = [
    path("", views.recipient_list, name="recipient_list"),
    path("recipients/new/", views.recipient_new, name="recipient_new"),
    path("recipients/export.xlsx", views.recipient_export, name="recipient_export"),
    path("recipients/<int:pk>/", views.recipient_detail, name="recipient_detail"),
    path("recipients/<int:pk>/edit/", views.recipient_edit, name="recipient_edit"),
    path("recipients/<int:pk>/health/", views.health_reveal, name="health_reveal"),
    path("recipients/<int:pk>/health/add/", views.health_add, name="health_add"),
    path("recipients/<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path("recipients/<int:pk>/contacts/<int:contact>/remove/", views.contact_remove, name="contact_remove"),
    path("recipients/<int:pk>/pairs/", views.pair_add, name="pair_add"),
    path("recipients/<int:pk>/pairs/<int:pair>/end/", views.pair_end, name="pair_end"),
    path("recipients/<int:pk>/ledger/", views.recipient_ledger, name="ledger"),
    path("recipients/<int:pk>/visit/", views.visit_new, name="visit_new"),
    path("recipients/<int:pk>/book/", views_services.help_book, name="help_book"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/need/", views.visit_need, name="visit_need"),
    path("due/", views.due_list, name="due"),
    path("alerts/", views.alert_list, name="alerts"),
    path("figures/", views.figures_page, name="figures"),
    path("hotline/", views_services.hotline, name="hotline"),
    path("hotline/call/", views_services.call_new, name="call_new"),
    path("hotline/slots/", views_services.slot_new, name="slot_new"),
    path("hotline/swaps/", views_services.swap_new, name="swap_new"),
    path("errands/", views_services.errand_list, name="errand_list"),
    path("errands/mine/", views_services.errand_mine, name="errand_mine"),
    path("errands/new/", views_services.errand_new, name="errand_new"),
    path("errands/<int:pk>/", views_services.errand_detail, name="errand_detail"),
    path("errands/<int:pk>/receipt/", views_services.errand_receipt, name="errand_receipt"),
    path("errands/<int:pk>/<str:action>/", views_services.errand_action, name="errand_action"),
    path("helps/", views_services.helps_page, name="helps"),
    path("helps/<int:pk>/<str:action>/", views_services.help_action, name="help_action"),
    path("outreach/", views_services.outreach_page, name="outreach"),
]
