"""Root URLconf for the volunteering-activities tests: the project's, plus ``/volunteering/`` (namespace
``activities``) while ``linli/urls.py`` does not include it yet."""

from django.urls import include, path

from linli.urls import urlpatterns as root

urlpatterns = list(root)
if not any(getattr(p, "namespace", None) == "activities" for p in root):
    urlpatterns.append(path("volunteering/", include("linli.volunteering.urls_activities")))
