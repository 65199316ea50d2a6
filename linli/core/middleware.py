"""Requests carrying NUL characters are refused before any view sees them.

PostgreSQL cannot store or compare text containing NUL (0x00); a NUL in a URL, query string or form
field would otherwise surface as a server error deep inside a query.  Nothing legitimate sends one.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    sources = [request.GET]
    if request.method == "POST" and not (request.content_type or "").startswith("application/json"):
        sources.append(request.POST)
    return any("\x00" in key or any("\x00" in v for v in values)
               for source in sources for key, values in source.lists())


class RejectNulCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            message = _("The request contains a NUL character, which is never valid here.")
            if request.path.startswith("/open311/"):
                body, kind = json.dumps([{"code": 400, "description": message}], ensure_ascii=False), "application/json"
            elif request.path.startswith("/api/"):
                body, kind = json.dumps({"detail": message}, ensure_ascii=False), "application/json"
            else:
                body, kind = message, "text/plain"
            return HttpResponse(body, status=400, content_type=f"{kind}; charset=utf-8")
        return self.get_response(request)
