"""What each role sees on its home page, and the abilities roles grant."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .scope import Scope

# Abilities granted by roles.  ``unmask`` lets a user see a full ID-card or mobile number (logged).
ABILITIES: dict[str, set[str]] = {
    "unmask": {"grid_worker", "community_staff", "street_staff", "district_admin"},
    "import_people": {"community_staff", "street_staff", "district_admin"},
    "export_people": {"grid_worker", "community_staff", "street_staff", "district_admin"},
}


def can(scope: Scope, ability: str) -> bool:
    return scope.everything or bool(scope.roles & ABILITIES.get(ability, set()))


@dataclass(frozen=True)
class Section:
    title: str
    url: str
    description: str


def home_sections(scope: Scope) -> list[Section]:
    """The links on a user's home page, by what their roles let them do."""
    sections: list[Section] = []
    if scope.everything or scope.area_codes:
        sections += [
            Section(_("People"), reverse("people:list"), _("Residents, workers and party members in your area")),
            Section(_("Organisation tree"), reverse("places:tree"), _("Streets, communities, grids and party organisations")),
            Section(_("Grid map"), reverse("places:map"), _("Grid boundaries on the map")),
        ]
    if can(scope, "import_people"):
        sections.append(Section(_("Import people"), reverse("people:import"), _("Import residents and workers from Excel")))
    if scope.person_id:
        sections.append(Section(_("My record"), reverse("people:detail", args=[scope.person_id]),
                                _("Your basic information, roles and contributions")))
    return sections
