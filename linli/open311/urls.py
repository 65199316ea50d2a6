from django.urls import path

from . import views

app_name = "open311"
urlpatterns = [
    path("discovery.<str:fmt>", views.discovery, name="discovery"),
    path("v2/services.<str:fmt>", views.service_list, name="services"),
    path("v2/services/<str:code>.<str:fmt>", views.service_definition, name="service"),
    path("v2/requests.<str:fmt>", views.requests, name="requests"),
    path("v2/requests/<str:request_id>.<str:fmt>", views.request_detail, name="request"),
    # The published Swagger file spells this path in the singular; serve both.
    path("v2/request/<str:request_id>.<str:fmt>", views.request_detail, name="request-singular"),
    path("v2/tokens/<str:token_id>.<str:fmt>", views.token, name="token"),
]
