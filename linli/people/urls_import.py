"""Excel import and export of people; included by ``linli.people.urls`` at ``/people/``."""

from django.urls import path

from . import views_import

urlpatterns = [
    path("import/", views_import.upload, name="import"),
    path("import/template.xlsx", views_import.download_template, name="import_template"),
    path("import/<uuid:token>/", views_import.preview, name="import_preview"),
    path("import/jobs/<int:pk>/", views_import.job_status, name="import_job"),
    path("export.xlsx", views_import.export, name="export"),
]
