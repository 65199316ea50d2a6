"""What the care pages share."""

from __future__ import annotations

import ipaddress

from django.http import Http404, HttpRequest

from linli.core.scope import scope_for, scoped
from linli.people.models import Person
from linli.places.models import Area, AreaLevel

from ..models import CareRecipient
from ..services import access


def client_ip(request: HttpRequest) -> str | None:
    try:
        return str(ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")))
    except ValueError:
        return None


def require_manager(request: HttpRequest) -> None:
    if not access.is_manager(scope_for(request.user)):
        raise Http404


def pick_person(user, data: dict) -> Person | None:
    people = scoped(Person.objects.select_related("area"), user)
    if data.get("person"):
        return people.filter(pk=data["person"]).first()
    if data.get("mobile"):
        return people.filter(mobile=data["mobile"]).order_by("pk").first()
    return None


def grids_in_scope(user) -> list[Area]:
    scope = scope_for(user)
    qs = Area.objects.filter(level=AreaLevel.GRID)
    if not scope.everything:
        qs = qs.filter(Area.scope_q(scope))
    return list(qs.order_by("code")[:200])


def recipient_page(request: HttpRequest, pk: int) -> CareRecipient:
    """The recipient a page is about, with what its pages show, or 404 outside the user's care scope."""
    qs = CareRecipient.objects.select_related("person__household__unit__building", "area__parent")
    return access.recipient_or_404(request.user, pk, qs)
