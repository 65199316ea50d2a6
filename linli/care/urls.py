from django.urls import path

from .views import errands, figures, helps, hotline, recipients, visits

app_name = "care"

urlpatterns = [
    path("", recipients.recipient_list, name="recipient_list"),
    path("recipients/new/", recipients.recipient_new, name="recipient_new"),
    path("recipients/export.xlsx", recipients.recipient_export, name="recipient_export"),
    path("recipients/<int:pk>/", recipients.recipient_detail, name="recipient_detail"),
    path("recipients/<int:pk>/edit/", recipients.recipient_edit, name="recipient_edit"),
    path("recipients/<int:pk>/health/", recipients.health_reveal, name="health_reveal"),
    path("recipients/<int:pk>/health/add/", recipients.health_add, name="health_add"),
    path("recipients/<int:pk>/contacts/", recipients.contact_add, name="contact_add"),
    path("recipients/<int:pk>/contacts/<int:contact>/remove/", recipients.contact_remove, name="contact_remove"),
    path("recipients/<int:pk>/pairs/", recipients.pair_add, name="pair_add"),
    path("recipients/<int:pk>/pairs/<int:pair>/end/", recipients.pair_end, name="pair_end"),
    path("recipients/<int:pk>/ledger/", recipients.recipient_ledger, name="ledger"),
    path("recipients/<int:pk>/visit/", visits.visit_new, name="visit_new"),
    path("recipients/<int:pk>/book/", helps.help_book, name="help_book"),
    path("visits/", visits.visit_list, name="visit_list"),
    path("visits/<int:pk>/", visits.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/need/", visits.visit_need, name="visit_need"),
    path("due/", visits.due_list, name="due"),
    path("alerts/", visits.alert_list, name="alerts"),
    path("figures/", figures.figures_page, name="figures"),
    path("hotline/", hotline.hotline, name="hotline"),
    path("hotline/call/", hotline.call_new, name="call_new"),
    path("hotline/slots/", hotline.slot_new, name="slot_new"),
    path("hotline/swaps/", hotline.swap_new, name="swap_new"),
    path("errands/", errands.errand_list, name="errand_list"),
    path("errands/mine/", errands.errand_mine, name="errand_mine"),
    path("errands/new/", errands.errand_new, name="errand_new"),
    path("errands/<int:pk>/", errands.errand_detail, name="errand_detail"),
    path("errands/<int:pk>/receipt/", errands.errand_receipt, name="errand_receipt"),
    path("errands/<int:pk>/<str:action>/", errands.errand_action, name="errand_action"),
    path("helps/", helps.helps_page, name="helps"),
    path("helps/<int:pk>/<str:action>/", helps.help_action, name="help_action"),
    path("outreach/", helps.outreach_page, name="outreach"),
]
