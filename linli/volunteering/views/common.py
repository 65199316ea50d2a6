"""What the volunteering pages share: paging, error messages, the staff's areas, whose records."""


from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from linli.core.paging import page_by_id, parse_key
from linli.core.scope import scope_for, scoped
from linli.people.models import Person
from linli.places.models import Area, AreaLevel

PAGE = 30


# --- helpers -----------------------------------------------------------------------------------------------

def _page(qs, request: HttpRequest, params: dict | None = None) -> dict:
    """Newest first by id, a page at a time (``?after=<id>``: rows with a smaller id)."""
    after = request.GET.get("after")
    items, next_key = page_by_id(qs, after, PAGE)
    params = {k: v for k, v in (params or {}).items() if v not in (None, "")}
    next_url = "?" + urlencode({**params, "after": next_key}) if next_key else None
    return {"items": items, "next_url": next_url,
            "first_url": ("?" + urlencode(params)) if parse_key(after) else None}


def _fail(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _staff_areas(user):
    """Streets and communities (and grids) the user is staff over, for the forms' choices."""
    scope = scope_for(user)
    if not scope.is_staff:
        return Area.objects.none()
    qs = Area.objects.filter(level__in=[AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.GRID])
    if not scope.everything:
        qs = qs.filter(Area.scope_q(scope))
    return qs.order_by("code")


def _resolve_person(user, data: dict) -> Person | None:
    """The person chosen on a staff form, by id or by mobile number, within the user's scope."""
    people = scoped(Person.objects.select_related("area"), user)
    if data.get("person"):
        return people.filter(pk=data["person"]).first()
    if data.get("mobile"):
        return people.filter(mobile=data["mobile"]).order_by("pk").first()
    return None


def _me(request: HttpRequest) -> Person:
    person = getattr(request.user, "person", None)
    if person is None:
        raise Http404
    return person

def _visible_or_404(qs, pk: int):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj
