"""Volunteering pages under ``/volunteering/`` (namespace ``volunteering``): teams, activities and check-in,
service records and certificates, micro-wishes, honours and pledges."""

from django.urls import path

from . import views_activities as views

app_name = "volunteering"

urlpatterns = [
    path("teams/", views.team_list, name="team_list"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/join/", views.team_join, name="team_join"),
    path("teams/<int:pk>/leave/", views.team_leave, name="team_leave"),
    path("teams/<int:pk>/requests/<int:membership_id>/", views.team_decide, name="team_decide"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/signup/", views.activity_signup, name="activity_signup"),
    path("activities/<int:pk>/cancel/", views.activity_cancel, name="activity_cancel"),
    path("activities/<int:pk>/code/", views.activity_code, name="activity_code"),
    path("activities/<int:pk>/checkin/", views.checkin, name="checkin"),
    path("activities/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("activities/<int:pk>/attendance/<int:signup_id>/", views.confirm_hours, name="confirm_hours"),
    path("records/", views.record_list, name="record_list"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/corrections/<int:pk>/", views.correction_decide, name="correction_decide"),
    path("certificates/new/", views.certificate_new, name="certificate_new"),
    path("certificates/<str:number>/", views.certificate_detail, name="certificate"),
    path("wishes/", views.wish_list, name="wish_list"),
    path("wishes/new/", views.wish_new, name="wish_new"),
    path("wishes/public/", views.wish_public, name="wish_public"),
    path("wishes/<int:pk>/", views.wish_detail, name="wish_detail"),
    path("wishes/<int:pk>/photo/", views.wish_photo, name="wish_photo"),
    path("wishes/<int:pk>/<str:action>/", views.wish_action, name="wish_action"),
    path("honours/", views.honour_list, name="honour_list"),
    path("pledges/", views.pledge_list, name="pledge_list"),
    path("pledges/<int:pk>/", views.pledge_detail, name="pledge_detail"),
]
