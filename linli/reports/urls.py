from django.urls import path, re_path

from . import views

app_name = "reports"
CODE = r"(?P<code>[0-9]{6}(?:[0-9]{3}){0,3})"

urlpatterns = [
    path("", views.index, name="index"),
    path("article/", views.article_figures, name="article"),
    path("article/<slug:key>/", views.article_rows, name="article_rows"),
    path("department/<int:pk>/", views.department_dashboard, name="department_dashboard"),
    path("department/<int:pk>/cases/", views.department_cases, name="department_cases"),
    path("department/<int:pk>/monthly/", views.department_monthly, name="department_monthly"),
    path("department/<int:pk>/monthly.xlsx", views.department_monthly_xlsx, name="department_monthly_xlsx"),
    path("job/<int:pk>/", views.job, name="job"),
    path("job/<int:pk>/download/", views.job_download, name="job_download"),
    re_path(rf"^public/{CODE}/$", views.public_street, name="public"),
    re_path(rf"^{CODE}/$", views.area_dashboard, name="dashboard"),
    re_path(rf"^{CODE}/cases/$", views.area_cases, name="cases"),
    re_path(rf"^{CODE}/monthly/$", views.area_monthly, name="monthly"),
    re_path(rf"^{CODE}/monthly\.xlsx$", views.area_monthly_xlsx, name="monthly_xlsx"),
]
