"""Places' links: the organisation tree (staff), a tile per grid for grid members, the grid map."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from linli.core.nav import NavContext, Section, contributes, url


@contributes(order=20)
def places_links(context: NavContext):
    scope, names = context.scope, context.grid_names
    if scope.is_staff:
        yield Section(_("Organisation tree"), _("Streets, communities, grids and party organisations"),
                      url("places:tree"), "tree")
    elif scope.area_codes:
        codes = context.grid_codes
        if names is not None and len(codes) > 1:
            for code in codes:
                yield Section(names.get(code, code), _("Your grid: buildings, households, figures"),
                              url("places:grid", code), f"grid:{code}")
        elif codes:
            title = names.get(codes[0], _("My grid")) if names else _("My grid")
            yield Section(title, _("Your grid: buildings, households, figures"), url("places:grid", codes[0]),
                          f"grid:{codes[0]}")
    if scope.is_staff or scope.area_codes:
        yield Section(_("Grid map"), _("Grid boundaries on the map"), url("places:map"), "map")


@contributes(order=85)
def station_links(context: NavContext):
    yield Section(_("Service stations"), _("Open stations nearby: rest, charging, water, shelter"),
                  url("places:stations"), "stations")
    if context.scope.is_staff:
        yield Section(_("Service circle coverage"), _("Parts of each grid more than 15 minutes from a station"),
                      url("places:coverage"), "coverage")
