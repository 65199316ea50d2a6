"""Requests carrying control characters, or bodies larger than any form takes, are refused before any view
sees them.

A body over ``LINLI_MAX_REQUEST_BYTES`` (three photos and the form around them) gets a 413 from its
``Content-Length`` alone: nothing of it is read, parsed or written to a temporary file.

PostgreSQL cannot store or compare text containing NUL (0x00); the other C0 controls (except tab and
newlines) make an XML feed not well-formed and colour terminals.  Nothing legitimate sends one, in a
URL, a query string, a form field or a JSON body (where ``"\\u001b"`` is the same character escaped).
"""

from __future__ import annotations

import json
from xml.etree.ElementTree import Element, SubElement, tostring

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from .text import has_control, strings_in


def _json_strings(request: HttpRequest):
    try:
        return strings_in(json.loads(request.body or b"null"))
    except (ValueError, UnicodeDecodeError):
        return iter(())  # not JSON at all: the view answers that with its own clear error


def has_control_characters(request: HttpRequest) -> bool:
    if has_control(request.path):
        return True
    sources = [request.GET]
    content_type = request.content_type or ""
    if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
        if content_type.startswith("application/json") or content_type.endswith("+json"):
            if any(has_control(s) for s in _json_strings(request)):
                return True
        elif content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            sources.append(request.POST)
            sources.append({name: [f.name for f in files] for name, files in request.FILES.lists()})
    return any(has_control(key) or any(has_control(v) for v in values)
               for source in sources for key, values in (source.lists() if hasattr(source, "lists")
                                                         else source.items()))


def refusal(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    """The error in the shape the caller reads: Open311's list of errors (XML for a ``.xml`` URL), the JSON
    API's detail, or text."""
    if request.path.startswith("/open311/") and request.path.endswith(".xml"):
        errors = Element("errors")
        error = SubElement(errors, "error")
        SubElement(error, "code").text, SubElement(error, "description").text = str(status), message
        body, kind = '<?xml version="1.0" encoding="utf-8"?>' + tostring(errors, encoding="unicode"), "text/xml"
    elif request.path.startswith("/open311/"):
        body, kind = json.dumps([{"code": status, "description": message}], ensure_ascii=False), "application/json"
    elif request.path.startswith("/api/"):
        body, kind = json.dumps({"detail": message}, ensure_ascii=False), "application/json"
    else:
        body, kind = message, "text/plain"
    return HttpResponse(body, status=status, content_type=f"{kind}; charset=utf-8")


def max_request_bytes() -> int:
    return int(getattr(settings, "LINLI_MAX_REQUEST_BYTES", 32 * 1024 * 1024))


class RejectOversizedRequestsMiddleware:
    """413 for a body declared larger than ``LINLI_MAX_REQUEST_BYTES``, before a byte of it is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = max_request_bytes()
        if length > limit:
            message = _("The upload is too large (at most %(mb)d MB in one request); send smaller or fewer photos.") \
                % {"mb": limit // (1024 * 1024)}
            return refusal(request, message, status=413)
        return self.get_response(request)


class RejectControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_control_characters(request):
            return refusal(request, _("The request contains a control character (such as NUL or ESC), which is "
                                      "never valid here."))
        return self.get_response(request)



class PrivateResponsesMiddleware:
    """Pages for a signed-in user carry personal data: no cache (browser, proxy) may keep them.

    Also sends ``Permissions-Policy`` (``LINLI_PERMISSIONS_POLICY``), which Django has no setting for.
    A view that set its own ``Cache-Control`` keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Cache-Control first: a view that set its own (the APIs) costs no session or user look-up here.
        if not response.has_header("Cache-Control") and getattr(getattr(request, "user", None),
                                                                "is_authenticated", False):
            patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
        policy = getattr(settings, "LINLI_PERMISSIONS_POLICY", "")
        if policy and not response.has_header("Permissions-Policy"):
            response["Permissions-Policy"] = policy
        return response


class ApiContentSecurityPolicyMiddleware:
    """The read-only API stack's policy (``LINLI_API_MIDDLEWARE``): one fixed header, the strictest there is.

    Its answers are JSON or XML, which load nothing and are never framed, so they need none of the site's
    sources; django-csp would rebuild the site's policy on each answer (a fifth of a small answer's cost)."""

    POLICY = "default-src 'none'; frame-ancestors 'none'"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Content-Security-Policy"):
            response["Content-Security-Policy"] = self.POLICY
        return response
