from django.urls import include, path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/unmask/<str:field>/", views.person_unmask, name="unmask"),
    path("<int:pk>/contributions/add/", views.contribution_add, name="contribution_add"),
    path("<int:pk>/roles/add/", views.role_add, name="role_add"),
    path("<int:pk>/roles/<int:role_pk>/end/", views.role_end, name="role_end"),
    path("", include("linli.people.urls_import")),  # import/…, export.xlsx (people-excel)
]
