"""What the home page shows beside the links: the user's grids by name and their roles."""

from __future__ import annotations

from linli.core.codes import GRID_CODE_LENGTH
from linli.core.scope import Scope
from linli.people.models import Role
from linli.places.models import Area


def grid_names(scope: Scope) -> dict[str, str]:
    """Names of the grids a user works in (one query), for the home page's tiles."""
    codes = [code for code in scope.area_codes if len(code) == GRID_CODE_LENGTH]
    if not codes:
        return {}
    return dict(Area.objects.filter(code__in=codes).values_list("code", "name"))


def role_labels(scope: Scope) -> list[str]:
    """The user's current roles, by their display names (in the active language)."""
    return [str(Role(r).label) for r in Role.values if r in scope.roles]
