"""The WSGI application: Django's handler, and a lighter one for the calls of the open APIs.

A GET, HEAD or POST under ``LINLI_API_PATHS`` (Open311) goes through ``LINLI_API_MIDDLEWARE``: the
security headers (a fixed ``default-src 'none'`` policy) and checks (body size, control characters),
the language, nothing else.  Such a call is authenticated by its API key, never by a user's session:
it has no session, no CSRF token (the views are exempt) and no staff action to audit (the request
records its key), so the session, CSRF, authentication, messages, audit, htmx and history middleware
only cost it time (a third of what a small answer costs).  Every other request takes ``MIDDLEWARE``.
"""

import os

from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
web = get_wsgi_application()  # sets Django up

from django.conf import settings  # noqa: E402 - after the setup


class ApiHandler(WSGIHandler):
    """Django's WSGI handler built on ``settings.LINLI_API_MIDDLEWARE`` instead of ``settings.MIDDLEWARE``."""

    def load_middleware(self, is_async: bool = False) -> None:
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.LINLI_API_MIDDLEWARE  # once, at start-up, before any request
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


api = ApiHandler()
API_PATHS = tuple(settings.LINLI_API_PATHS)
API_METHODS = frozenset({"GET", "HEAD", "POST"})


def application(environ, start_response):
    if environ.get("REQUEST_METHOD") in API_METHODS and environ.get("PATH_INFO", "").startswith(API_PATHS):
        return api(environ, start_response)
    return web(environ, start_response)
