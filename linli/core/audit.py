"""The audit log of staff actions: who did what, when and from where (``AuditEntry``, append-only).

``AuditMiddleware`` writes one entry for every write request (POST, PUT, PATCH, DELETE) of a signed-in
user (pages, admin, API): the page's URL name and arguments, the names of the fields sent (never the
values), the answer's status and the client address (``client_ip``, trusted proxies honoured).
Console commands that change personal data (``linli person anonymise``, ``linli restore``) call ``record``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.urls import Resolver404, resolve

from .auth import client_ip
from .models import AuditEntry, User
from .scope import scope_for

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
log = logging.getLogger(__name__)
SECRET_FIELDS = frozenset({"csrfmiddlewaretoken", "password", "password1", "password2", "old_password",
                           "new_password1", "new_password2"})


def scope_label(user: User | None) -> str:
    if user is None:
        return ""
    scope = scope_for(user)
    return "*" if scope.everything else ",".join(scope.area_codes)[:300]


def record(*, user: User | None, method: str, path: str, action: str = "", target: str = "",
           fields: Iterable[str] = (), status: int | None = None, ip: str | None = None) -> AuditEntry:
    """Append one entry to the audit log."""
    return AuditEntry.objects.create(
        user=user, username=user.get_username() if user else "", ip=ip or None, method=method[:8],
        path=path[:300], action=action[:100], target=target[:200], status=status, scope=scope_label(user),
        fields=sorted({str(f)[:60] for f in fields} - SECRET_FIELDS)[:50])


def _resolved(path: str) -> tuple[str, str]:
    try:
        match = resolve(path)
    except Resolver404:
        return "", ""
    target = ",".join([*map(str, match.args), *(f"{k}={v}" for k, v in match.kwargs.items())])
    return match.view_name or "", target


def _field_names(request: HttpRequest) -> list[str]:
    """The names of the fields a write request sent (form fields, files, a JSON object's keys)."""
    kind = request.content_type or ""
    if kind in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        return [*request.POST.keys(), *request.FILES.keys()]
    if kind.startswith("application/json") or kind.endswith("+json"):
        try:
            body = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError, RawPostDataException):
            return []
        return list(body) if isinstance(body, dict) else []
    return []


class AuditMiddleware:
    """Writes an ``AuditEntry`` for every write request of a signed-in user (after the view answered)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method in WRITES:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and isinstance(user, User):
                action, target = _resolved(request.path_info)
                try:
                    record(user=user, method=request.method or "", path=request.path, action=action, target=target,
                           fields=_field_names(request), status=response.status_code, ip=client_ip(request))
                except Exception:  # the log must not turn an action that was done into an error page
                    log.exception("audit log entry not written for %s %s", request.method, request.path)
        return response
