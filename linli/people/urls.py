from django.urls import path

from .views import imports, people

app_name = "people"
urlpatterns = [
    path("", people.person_list, name="list"),
    path("<int:pk>/", people.person_detail, name="detail"),
    path("<int:pk>/edit/", people.person_edit, name="edit"),
    path("<int:pk>/unmask/<str:field>/", people.person_unmask, name="unmask"),
    path("<int:pk>/contributions/add/", people.contribution_add, name="contribution_add"),
    path("<int:pk>/party/", people.party_advance, name="party_advance"),
    path("<int:pk>/roles/add/", people.role_add, name="role_add"),
    path("<int:pk>/roles/<int:role_pk>/end/", people.role_end, name="role_end"),
    # Excel import and export (people-excel)
    path("import/", imports.upload, name="import"),
    path("import/template.xlsx", imports.download_template, name="import_template"),
    path("import/<uuid:token>/", imports.preview, name="import_preview"),
    path("import/jobs/<int:pk>/", imports.job_status, name="import_job"),
    path("export.xlsx", imports.export, name="export"),
]
