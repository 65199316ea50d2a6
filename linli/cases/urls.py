"""Case pages under /cases/.  Intake routes here; the desk's routes (inbox, board, case page) come from
``urls_desk.py``, included at the end in the same ``cases`` namespace."""

from django.urls import URLPattern, URLResolver, include, path

from .views import intake as views
from .views import messages as views_messages

app_name = "cases"
urlpatterns: list[URLPattern | URLResolver] = [
    path("report/", views.report, name="report"),
    path("report/duplicates/", views.report_duplicates, name="report_duplicates"),
    path("report/support/", views.report_support, name="report_support"),
    path("report/done/<str:number>/", views.report_done, name="report_done"),
    path("new/", views.staff_new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("mine/<str:number>/", views.mine_detail, name="mine_detail"),
    path("mine/<str:number>/rate/", views.rate, name="rate"),
    path("messages/", views_messages.message_list, name="messages"),
    path("messages/read/", views_messages.mark_read, name="messages_read"),
    path("photos/<uuid:photo_uuid>/", views.photo, name="photo"),
    path("photos/<uuid:photo_uuid>/thumb/", views.photo, {"thumb": True}, name="photo_thumb"),
]

urlpatterns.append(path("", include("linli.cases.urls_desk")))
