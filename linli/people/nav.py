"""People's links: the people list (staff, or a grid member's own grid), Excel import, one's own record."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from linli.core.nav import NavContext, Section, contributes, url
from linli.core.scope import can


@contributes(order=10)
def people_links(context: NavContext):
    scope = context.scope
    if scope.is_staff:
        yield Section(_("People"), _("Residents, workers and party members in your area"), url("people:list"), "people")
        if can(scope, "import_people"):
            yield Section(_("Import people"), _("Import residents and workers from Excel"), url("people:import"),
                          "import")
    elif scope.area_codes:
        yield Section(_("My grid's people"), _("Residents and workers living in your grid"), url("people:list"),
                      "people")


@contributes(order=100)
def my_record(context: NavContext):
    if context.scope.person_id:
        yield Section(_("My record"), _("Your basic information, roles and contributions"),
                      url("people:detail", context.scope.person_id), "me")
