"""Who is calling: a personal token (``Authorization: Bearer <token>``) or the Django session.

A token that is present but unknown or revoked is refused with 401 at once (it never falls back to the
session).  Session calls that change something must carry the CSRF token (``X-CSRFToken``), as the
pages do.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from linli.core.models import User

from .models import ApiToken

# last_used_at is written at most this often per token, not on every call.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class ApiRequest(HttpRequest):
    """What an operation gets once ``TokenAuth`` or ``SessionAuth`` let the call in: ``auth`` is the user,
    ``api_token`` the token used (a token call only)."""

    auth: User
    api_token: ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = ApiToken.objects.select_related("user").for_raw(token.strip())
        if found is None or not found.user.is_active:
            raise AuthenticationError(401, _("This API token is not valid or has been revoked."))
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        cast(ApiRequest, request).api_token = found
        return found.user


class SessionAuth(APIKeyCookie):
    """The signed-in user of the pages; unsafe methods need the CSRF token."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, _("The CSRF token is missing or wrong; reload the page and try again."))
        return user


token_auth = TokenAuth()
session_auth = SessionAuth(csrf=True)
