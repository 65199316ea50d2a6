"""Meeting pages under /meetings/."""

from django.urls import path, re_path

from . import views, views_opinions

app_name = "meetings"
urlpatterns = [
    path("", views.index, name="index"),
    path("series/", views.series_list, name="series_list"),
    path("series/new/", views.series_new, name="series_new"),
    path("series/<int:pk>/", views.series_detail, name="series_detail"),
    path("series/<int:pk>/generate/", views.series_generate, name="series_generate"),
    path("series/<int:pk>/call/", views.series_call, name="series_call"),
    path("series/<int:pk>/calendar.ics", views.series_ical, name="series_ical"),
    path("series/<int:pk>/items.xlsx", views.series_export, name="series_export"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/move/", views.meeting_move, name="meeting_move"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/close/", views.meeting_close, name="meeting_close"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/propose/", views.propose, name="propose"),
    path("<int:pk>/items/new/", views.item_add, name="item_add"),
    path("<int:pk>/items/promote/", views.item_promote, name="item_promote"),
    path("<int:pk>/code/", views.meeting_code, name="code"),
    path("<int:pk>/signin/", views.signin, name="signin"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/motions/new/", views.motion_new, name="motion_new"),
    path("items/<int:pk>/outcome/", views.item_outcome, name="item_outcome"),
    re_path(r"^items/(?P<pk>\d+)/move/(?P<direction>up|down)/$", views.item_move, name="item_move"),
    path("motions/<int:pk>/", views.motion, name="motion"),
    path("motions/<int:pk>/vote/", views.motion_vote, name="motion_vote"),
    path("accountability/", views.accountability_view, name="accountability"),
    re_path(r"^public/(?P<code>\d{6,15})/$", views.public_accountability, name="public"),
    path("mine/", views.mine, name="mine"),
    path("wechat/", views.wechat_paste, name="wechat"),
    path("opinions/", views_opinions.drive_list, name="drives"),
    path("opinions/new/", views_opinions.drive_new, name="drive_new"),
    path("opinions/<int:pk>/", views_opinions.drive_detail, name="drive"),
    re_path(r"^opinions/answers/(?P<pk>\d+)/(?P<how>case|topic)/$", views_opinions.opinion_take_up,
            name="opinion_take_up"),
    path("calendar/", views.calendar_link, name="calendar"),
    re_path(r"^calendar/(?P<token>[0-9a-f]{40})\.ics$", views.calendar_feed, name="calendar_feed"),
]
