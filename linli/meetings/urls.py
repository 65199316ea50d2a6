"""Meeting pages under /meetings/."""

from django.urls import path, re_path

from .views import drives, meeting, mine, motions, paste, series, signin, tracking

app_name = "meetings"
urlpatterns = [
    path("", series.index, name="index"),
    path("series/", series.series_list, name="series_list"),
    path("series/new/", series.series_new, name="series_new"),
    path("series/<int:pk>/", series.series_detail, name="series_detail"),
    path("series/<int:pk>/generate/", series.series_generate, name="series_generate"),
    path("series/<int:pk>/call/", series.series_call, name="series_call"),
    path("series/<int:pk>/calendar.ics", series.series_ical, name="series_ical"),
    path("series/<int:pk>/items.xlsx", series.series_export, name="series_export"),
    path("<int:pk>/", meeting.meeting_detail, name="meeting_detail"),
    path("<int:pk>/move/", meeting.meeting_move, name="meeting_move"),
    path("<int:pk>/cancel/", meeting.meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/close/", meeting.meeting_close, name="meeting_close"),
    path("<int:pk>/minutes/", meeting.minutes, name="minutes"),
    path("<int:pk>/propose/", meeting.propose, name="propose"),
    path("<int:pk>/items/new/", meeting.item_add, name="item_add"),
    path("<int:pk>/items/promote/", meeting.item_promote, name="item_promote"),
    path("<int:pk>/code/", signin.meeting_code, name="code"),
    path("<int:pk>/signin/", signin.signin, name="signin"),
    path("<int:pk>/attendance/", signin.attendance, name="attendance"),
    path("<int:pk>/motions/new/", motions.motion_new, name="motion_new"),
    path("items/<int:pk>/outcome/", meeting.item_outcome, name="item_outcome"),
    re_path(r"^items/(?P<pk>\d+)/move/(?P<direction>up|down)/$", meeting.item_move, name="item_move"),
    path("motions/<int:pk>/", motions.motion, name="motion"),
    path("motions/<int:pk>/vote/", motions.motion_vote, name="motion_vote"),
    path("accountability/", tracking.accountability_view, name="accountability"),
    re_path(r"^public/(?P<code>\d{6,15})/$", tracking.public_accountability, name="public"),
    path("mine/", mine.mine, name="mine"),
    path("wechat/", paste.wechat_paste, name="wechat"),
    path("opinions/", drives.drive_list, name="drives"),
    path("opinions/new/", drives.drive_new, name="drive_new"),
    path("opinions/<int:pk>/", drives.drive_detail, name="drive"),
    re_path(r"^opinions/answers/(?P<pk>\d+)/(?P<how>case|topic)/$", drives.opinion_take_up,
            name="opinion_take_up"),
    path("calendar/", mine.calendar_link, name="calendar"),
    re_path(r"^calendar/(?P<token>[0-9a-f]{40})\.ics$", mine.calendar_feed, name="calendar_feed"),
]
