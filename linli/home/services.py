"""What the home page shows beside the links: the user's grids by name, their roles, the stations to call."""

from __future__ import annotations

from django.db.models import Subquery

from linli.core.codes import GRID_CODE_LENGTH
from linli.core.scope import Scope
from linli.people.models import Person, Role
from linli.places.models import Area
from linli.places.models_stations import ServiceStation
from linli.places.stations import hotlines_for


def grid_names(scope: Scope) -> dict[str, str]:
    """Names of the grids a user works in (one query), for the home page's tiles."""
    codes = [code for code in scope.area_codes if len(code) == GRID_CODE_LENGTH]
    if not codes:
        return {}
    return dict(Area.objects.filter(code__in=codes).values_list("code", "name"))


def role_labels(scope: Scope) -> list[str]:
    """The user's current roles, by their display names (in the active language)."""
    return [str(Role(r).label) for r in Role.values if r in scope.roles]


def hotlines(person_id: int | None) -> list[ServiceStation]:
    """The service stations of the person's home grid, community and street that have a phone (one query)."""
    if person_id is None:
        return []
    return hotlines_for(Subquery(Person.objects.filter(pk=person_id).values("area__code")[:1]))
