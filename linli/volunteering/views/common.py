"""What the volunteering pages share: paging, error messages, the staff's areas, whose records."""


from __future__ import annotations

from django.http import Http404, HttpRequest

from linli.core.scope import scope_for, scoped
from linli.people.models import Person
from linli.places.models import Area, AreaLevel

# --- helpers -----------------------------------------------------------------------------------------------

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
