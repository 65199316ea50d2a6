"""``path("api/", include("linli.api.urls"))`` mounts the NinjaAPI under the ``api`` namespace."""

from .api import api

urlpatterns = api.urls[0]
app_name = api.urls_namespace  # "api": ninja reverses "api:openapi-json" for the docs page
