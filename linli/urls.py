from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from linli.core import views as core_views
from linli.core.forms import LoginForm
from linli.home import views as home_views
from linli.people import urls_registry as registry_urls
from linli.places import urls as places_urls

urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("places/", include((places_urls.urlpatterns + registry_urls.urlpatterns, "places"))),
    path("people/", include("linli.people.urls")),
    path("cases/", include("linli.cases.urls")),
    path("volunteering/", include("linli.volunteering.urls")),
    path("care/", include("linli.care.urls")),
    path("open311/", include("linli.open311.urls")),
    path("points/", include("linli.points.urls")),
    path("funds/", include("linli.funds.urls")),
    path("meetings/", include("linli.meetings.urls")),
    path("reports/", include("linli.reports.urls")),
    path("api/", include("linli.api.urls")),
    path("admin/", admin.site.urls),
]

# A busy or unreachable database answers a retryable 503, anything else Django's 500 (linli.core.views).
handler500 = "linli.core.views.server_error"

# Uploaded media (case photos, import files) is never served as public static files: every photo goes
# through a scoped view.
