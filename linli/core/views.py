from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache
from huey.contrib.djhuey import HUEY


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


@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """``/favicon.ico``, asked for by browsers that ignore the page's icon link: the static file's hashed URL."""
    return HttpResponsePermanentRedirect(static("linli/favicon.ico"))
