"""A URL configuration for the error-page tests: the real one plus views that fail on purpose."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from linli.urls import urlpatterns as real_patterns


def boom(request):
    raise RuntimeError("a bug")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [path("test-boom/", boom), path("test-forbidden/", forbidden), *real_patterns]
