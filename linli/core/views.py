from __future__ import annotations

import errno
import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import cache_control, never_cache
from huey.contrib.djhuey import HUEY

from .middleware import refusal


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and the task queue can be read, else 503."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        checks["queue_pending"] = str(HUEY.pending_count())
        checks["queue"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["queue"] = f"error: {exc.__class__.__name__}"
    ok = checks["database"] == "ok" and checks["queue"] == "ok"
    return JsonResponse({"status": "ok" if ok else "error", **checks}, status=200 if ok else 503)


# What a database says when it is busy or away (SQLite locked, PostgreSQL restarting or unreachable):
# the request may well succeed in a moment, so the answer is 503 with Retry-After, not a 500.
UNAVAILABLE_MARKERS = ("locked", "busy", "connect", "timeout", "timed out", "closed", "terminat", "shutting down",
                       "unable to open", "starting up", "recovery", "too many")
RETRY_AFTER_SECONDS = 5


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the database is busy or unreachable (retryable), not that the code is wrong."""
    if isinstance(exc, InterfaceError):
        return True
    return isinstance(exc, OperationalError) and any(m in str(exc).lower() for m in UNAVAILABLE_MARKERS)


def storage_full(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the disk (or the quota) is full: writing a photo may succeed once space is freed."""
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a retryable 503 when the database is busy or away or the disk is full (the request's
    transaction was rolled back), else Django's own 500 page."""
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        message = _("The database is busy or unavailable for a moment. Nothing was changed; please try again.")
    elif storage_full(exc):
        message = _("The server's storage is full, so nothing was saved. Please try again later.")
    else:
        return defaults.server_error(request)
    response = refusal(request, message, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """``/favicon.ico``, asked for by browsers that ignore the page's icon link: the static file's hashed URL."""
    return HttpResponsePermanentRedirect(static("linli/favicon.ico"))
