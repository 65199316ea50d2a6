"""Linli's URLs plus ``/bench/ping``, the one-line view the Open311 figures are compared with."""

from django.http import HttpResponse
from django.urls import path

from linli.urls import urlpatterns as linli_urlpatterns

urlpatterns = [path("bench/ping", lambda request: HttpResponse("ok")), *linli_urlpatterns]
