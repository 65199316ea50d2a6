from django.urls import include, path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("", include("linli.people.urls_import")),  # import/…, export.xlsx (people-excel)
]
