"""Volunteering pages under ``/volunteering/`` (namespace ``volunteering``): teams, activities and check-in,
service records and certificates, micro-wishes, honours and pledges."""

from django.urls import path

from .views import activities, honours, records, teams, wishes

app_name = "volunteering"

urlpatterns = [
    path("teams/", teams.team_list, name="team_list"),
    path("teams/<int:pk>/", teams.team_detail, name="team_detail"),
    path("teams/<int:pk>/join/", teams.team_join, name="team_join"),
    path("teams/<int:pk>/leave/", teams.team_leave, name="team_leave"),
    path("teams/<int:pk>/requests/<int:membership_id>/", teams.team_decide, name="team_decide"),
    path("activities/", activities.activity_list, name="activity_list"),
    path("activities/new/", activities.activity_new, name="activity_new"),
    path("activities/<int:pk>/", activities.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/signup/", activities.activity_signup, name="activity_signup"),
    path("activities/<int:pk>/cancel/", activities.activity_cancel, name="activity_cancel"),
    path("activities/<int:pk>/code/", activities.activity_code, name="activity_code"),
    path("activities/<int:pk>/checkin/", activities.checkin, name="checkin"),
    path("activities/<int:pk>/attendance/", activities.attendance, name="attendance"),
    path("activities/<int:pk>/attendance/<int:signup_id>/", activities.confirm_hours, name="confirm_hours"),
    path("records/", records.record_list, name="record_list"),
    path("records/<int:pk>/", records.record_detail, name="record_detail"),
    path("records/corrections/<int:pk>/", records.correction_decide, name="correction_decide"),
    path("certificates/new/", records.certificate_new, name="certificate_new"),
    path("certificates/<str:number>/", records.certificate_detail, name="certificate"),
    path("wishes/", wishes.wish_list, name="wish_list"),
    path("wishes/new/", wishes.wish_new, name="wish_new"),
    path("wishes/public/", wishes.wish_public, name="wish_public"),
    path("wishes/<int:pk>/", wishes.wish_detail, name="wish_detail"),
    path("wishes/<int:pk>/photo/", wishes.wish_photo, name="wish_photo"),
    path("wishes/<int:pk>/<str:action>/", wishes.wish_action, name="wish_action"),
    path("honours/", honours.honour_list, name="honour_list"),
    path("pledges/", honours.pledge_list, name="pledge_list"),
    path("pledges/<int:pk>/", honours.pledge_detail, name="pledge_detail"),
]
