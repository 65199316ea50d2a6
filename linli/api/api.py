"""The JSON API (django-ninja): OpenAPI 3 at ``/api/openapi.json``, Swagger UI at ``/api/docs``.

Every error is ``{"detail": "<message>"}`` in the user's language, with 400 (refused or bad input),
401 (not signed in / bad token), 403 (not allowed), 404 (unknown or outside your scope) or 422 (a
parameter of the wrong type or out of range).  The docs page loads Swagger UI from the app's own static
files (``ninja`` in ``INSTALLED_APPS``), never from a CDN.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from .auth import session_auth, token_auth
from .routers import cases, kpis, places

log = logging.getLogger(__name__)

api = NinjaAPI(
    title="Linli API",
    version="1",
    description=(
        "The cases loop of Linli (邻里) as JSON. Authenticate with a personal token "
        "(`Authorization: Bearer <token>`, from `linli apitoken create USERNAME NAME`) or the signed-in "
        "session (send `X-CSRFToken` with POST). Everything is limited to your scope: a case outside it "
        "answers 404. Lists page by cursor: pass `next_cursor` back as `?cursor=`."),
    urls_namespace="api",
    auth=[token_auth, session_auth],
    docs=Swagger(settings={"persistAuthorization": False}),
)
api.add_router("", cases.router)
api.add_router("", places.router)
api.add_router("", kpis.router)


def _error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return api.create_response(request, {"detail": message}, status=status)


# pydantic error type → English msgid (translated in this app's catalogue).
_PROBLEMS = {
    "missing": gettext_noop("is required"),
    "int_parsing": gettext_noop("must be a whole number"),
    "int_type": gettext_noop("must be a whole number"),
    "int_from_float": gettext_noop("must be a whole number"),
    "float_parsing": gettext_noop("must be a number"),
    "float_type": gettext_noop("must be a number"),
    "finite_number": gettext_noop("must be a finite number"),
    "bool_parsing": gettext_noop("must be true or false"),
    "bool_type": gettext_noop("must be true or false"),
    "string_type": gettext_noop("must be text"),
    "datetime_parsing": gettext_noop("must be a date and time such as 2026-01-31T09:00:00+08:00"),
    "datetime_from_date_parsing": gettext_noop("must be a date and time such as 2026-01-31T09:00:00+08:00"),
    "datetime_type": gettext_noop("must be a date and time such as 2026-01-31T09:00:00+08:00"),
    "date_parsing": gettext_noop("must be a date such as 2026-01-31"),
    "date_from_datetime_parsing": gettext_noop("must be a date such as 2026-01-31"),
    "date_from_datetime_inexact": gettext_noop("must be a date such as 2026-01-31"),
    "date_type": gettext_noop("must be a date such as 2026-01-31"),
    "string_pattern_mismatch": gettext_noop("has the wrong format"),
    "literal_error": gettext_noop("must be one of: %(expected)s"),
    "enum": gettext_noop("must be one of: %(expected)s"),
    "string_too_long": gettext_noop("must be at most %(max_length)s characters"),
    "string_too_short": gettext_noop("must be at least %(min_length)s characters"),
    "greater_than_equal": gettext_noop("must be at least %(ge)s"),
    "greater_than": gettext_noop("must be more than %(gt)s"),
    "less_than_equal": gettext_noop("must be at most %(le)s"),
    "less_than": gettext_noop("must be less than %(lt)s"),
    "list_type": gettext_noop("must be a list"),
    "model_attributes_type": gettext_noop("must be a JSON object"),
    "dict_type": gettext_noop("must be a JSON object"),
    "json_invalid": gettext_noop("is not valid JSON"),
}
_CONTAINERS = {"body", "query", "path", "form", "file", "header", "cookie", "payload", "data"}


def _translate_problem(error: dict) -> str:
    """One pydantic error as "field: problem" in the user's language."""
    names = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
    field = next((n for n in reversed(names) if n not in _CONTAINERS), "")
    kind = error.get("type", "")
    if not field:
        return _("The request body is missing or is not a JSON object.")
    template = _PROBLEMS.get(kind)
    if template is None:
        return _("%(field)s: this value is not valid.") % {"field": field}
    ctx = {k: (str(v) if not isinstance(v, str) else v) for k, v in (error.get("ctx") or {}).items()}
    try:
        problem = _(template) % ctx if "%(" in template else _(template)
    except (KeyError, TypeError, ValueError):
        problem = _("this value is not valid.")
    return _("%(field)s: %(problem)s") % {"field": field, "problem": problem}


@api.exception_handler(NinjaValidationError)
def on_invalid_parameters(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    return _error(request, _translate_problem(first), 422)


@api.exception_handler(ValidationError)
def on_refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """CaseError, IntakeError, PhotoError and our own checks: the service's message."""
    message = " ".join(str(m) for m in exc.messages) or _("This request cannot be carried out.")
    return _error(request, message, 400)


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, str(exc) or _("You may not do this."), 403)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, _("Not found (or outside your area)."), 404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = exc.message if exc.message != "Unauthorized" else _(
        "Sign in, or send a personal token as Authorization: Bearer <token>.")
    return _error(request, message, 401)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = exc.message
    if message.startswith("Cannot parse request body"):
        message = _("The request body cannot be read: send JSON (or form fields where documented).")
    elif exc.status_code == 405 or message == "Method not allowed":
        message = _("This method is not allowed here.")
    return _error(request, message, exc.status_code)
