"""Open311 GeoReport v2 endpoints (JSON and XML).  Views parse and answer; services.py decides."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from linli.core.auth import client_ip

from . import catalogue, services
from .formats import error, render, respond

ATTRIBUTE = re.compile(r"^attribute\[([^\]]{1,40})\](\[\])?$")
FORMATS = ("json", "xml")


def open311_view(methods: list[str]):
    """Check the format, apply rate limits, and turn ``Open311Error`` into the spec's error list."""

    def decorate(view: Callable) -> Callable:
        @csrf_exempt
        @require_http_methods(methods)
        @wraps(view)
        def wrapper(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
            if fmt not in FORMATS:
                return error("json", 404, _("Formats are json and xml."))
            params = _params(request)
            key = services.api_key(params.get("api_key", ""))
            ident = f"key:{key.pk}" if key else f"ip:{client_ip(request)}"
            limit = settings.LINLI_OPEN311_PER_MINUTE_KEY if key else settings.LINLI_OPEN311_PER_MINUTE_IP
            if services.rate_limited("calls", ident, limit):
                return error(fmt, 429, _("Too many requests; please wait a minute."))
            try:
                return view(request, *args, fmt=fmt, params=params, key=key, **kwargs)
            except services.Open311Error as exc:
                return error(fmt, exc.status, exc.description)

        return wrapper

    return decorate


def _params(request: HttpRequest) -> dict[str, str]:
    """Query string and form body together (the Swagger file puts POST fields in the query)."""
    merged = {k: v for k, v in request.GET.items()}
    if request.method == "POST":
        merged.update({k: v for k, v in request.POST.items()})
    return merged


def _attribute_answers(request: HttpRequest) -> dict[str, list[str]]:
    answers: dict[str, list[str]] = {}
    for source in (request.GET, request.POST):
        for name in source:
            if match := ATTRIBUTE.match(name):
                answers.setdefault(match.group(1), []).extend(source.getlist(name))
    return answers


def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        return error("json", 404, _("Formats are json and xml."))
    base = request.build_absolute_uri(reverse("open311:services", kwargs={"fmt": "json"})).rsplit("/", 1)[0]
    return respond(fmt, "discovery", {
        "changeset": "2026-11-29T00:00:00+08:00",
        "contact": _("Your street office, through the Linli site."),
        "key_service": _("API keys are issued by the district administrator (linli apikey create NAME)."),
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": base + "/",
            "changeset": "2026-11-29T00:00:00+08:00",
            "type": "production",
            "formats": ["application/json", "text/xml"],
        }],
    })


def _catalogue_answer(request: HttpRequest, key: tuple, build) -> HttpResponse:
    """A catalogue answer from this process's copy, or 304 when the client's copy is still current."""
    found = catalogue.rendered(key, build)
    response = HttpResponse(found.body, content_type=found.content_type)
    response["ETag"] = found.etag
    response["Last-Modified"] = http_date(found.last_modified)
    response["Cache-Control"] = "public, no-cache"  # keep it, but ask each time (a 304 costs nothing)
    return get_conditional_response(request, etag=found.etag, last_modified=found.last_modified, response=response)


@open311_view(["GET"])
def service_list(request, fmt, params, key):
    return _catalogue_answer(request, ("services", fmt), lambda: render(
        fmt, "services", [services.service_dict(c) for c in services.service_categories()]))


@open311_view(["GET"])
def service_definition(request, code, fmt, params, key):
    return _catalogue_answer(request, ("service", code, fmt), lambda: render(
        fmt, "service_definition", services.service_definition(code)))


@open311_view(["GET", "POST"])
def requests(request, fmt, params, key):
    if request.method == "POST":
        return _create(request, fmt, params, key)
    page = services.find_requests(params, with_notes=key is not None)
    present = services.RequestPresenter(key, request.build_absolute_uri)
    response = _private_if_keyed(respond(fmt, "service_requests", [present(row) for row in page.rows]), key)
    if page.next_token:
        query = request.GET.copy()
        query["page"] = page.next_token
        response["Link"] = f'<{request.build_absolute_uri(request.path)}?{query.urlencode()}>; rel="next"'
    return response


def _create(request, fmt, params, key):
    key = services.authenticate(key)
    if services.rate_limited("writes", f"key:{key.pk}", settings.LINLI_OPEN311_WRITES_PER_MINUTE):
        return error(fmt, 429, _("Too many requests; please wait a minute."))
    client_key = request.headers.get("Idempotency-Key") or params.get("idempotency_key", "")
    submitted = services.submit(key, params, _attribute_answers(request), client_key=client_key)
    notice = _("Thank you. The street office will handle it within its deadlines.")
    if submitted.case is None:
        return respond(fmt, "service_requests", [
            {"token": str(submitted.request.token), "service_notice": notice, "account_id": None}])
    return respond(fmt, "service_requests", [
        {"service_request_id": submitted.case.number, "service_notice": notice, "account_id": None}])


@open311_view(["GET"])
def request_detail(request, request_id, fmt, params, key):
    row = services.get_request(request_id, with_notes=key is not None)
    return _private_if_keyed(
        respond(fmt, "service_requests", [services.RequestPresenter(key, request.build_absolute_uri)(row)]), key)


def _private_if_keyed(response: HttpResponse, key) -> HttpResponse:
    """With a key the answer may hold descriptions and addresses: no shared cache keeps it.  Without one it
    is what the public map shows.  Either way it is set here, so no middleware loads a session for it."""
    response["Cache-Control"] = "private, no-store" if key is not None else "public, no-cache"
    return response


@open311_view(["GET"])
def token(request, token_id, fmt, params, key):
    import uuid

    from .models import Open311Request

    try:
        found = Open311Request.objects.select_related("case").filter(token=uuid.UUID(token_id)).first()
    except ValueError:  # not a UUID: simply not found
        found = None
    if found is None:
        raise services.Open311Error(404, _("No such token."))
    return respond(fmt, "service_requests", [
        {"service_request_id": found.case.number if found.case else None, "token": str(found.token)}])
