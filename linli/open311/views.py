"""Open311 GeoReport v2 endpoints (JSON and XML).  Views parse and answer; services.py decides."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from linli.core.auth import client_ip

from . import services
from .formats import error, respond
from .models import ApiKey

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
            key = ApiKey.objects.select_related("area").for_raw(params.get("api_key", ""))
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


@open311_view(["GET"])
def service_list(request, fmt, params, key):
    return respond(fmt, "services", [services.service_dict(c) for c in services.service_categories()])


@open311_view(["GET"])
def service_definition(request, code, fmt, params, key):
    return respond(fmt, "service_definition", services.service_definition(code))


@open311_view(["GET", "POST"])
def requests(request, fmt, params, key):
    if request.method == "POST":
        return _create(request, fmt, params)
    cases = list(services.find_requests(params))
    services.status_notes_for(cases)
    return respond(fmt, "service_requests", [
        services.request_dict(c, build_url=request.build_absolute_uri,
                              full=services.can_see_description(key, c)) for c in cases])


def _create(request, fmt, params):
    key = services.authenticate(params.get("api_key"))
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
    case = services.get_request(request_id)
    services.status_notes_for([case])
    return respond(fmt, "service_requests", [
        services.request_dict(case, build_url=request.build_absolute_uri,
                              full=services.can_see_description(key, case))])


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
