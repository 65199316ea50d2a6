"""Root URLconf for the intake tests while ``linli/urls.py`` does not include the cases URLs yet."""

from django.urls import include, path

from linli.urls import urlpatterns as root

urlpatterns = list(root)
if not any(getattr(p, "namespace", None) == "cases" for p in root):
    urlpatterns.append(path("cases/", include("linli.cases.urls")))
