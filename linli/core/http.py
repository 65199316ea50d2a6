"""Request types for the type checker: what the middleware and decorators guarantee about a request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from linli.core.models import User


class HtmxRequest(HttpRequest):
    """A request that went through ``django_htmx``'s middleware: ``request.htmx`` says if htmx sent it."""

    htmx: HtmxDetails


class AuthenticatedRequest(HtmxRequest):
    """What a ``login_required`` view gets: a request whose user is a login."""

    user: User
