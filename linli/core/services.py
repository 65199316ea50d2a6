"""What each role sees on its home page and in the navigation bar, and the abilities roles grant."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .scope import Scope

# Abilities granted by roles.  ``unmask`` lets a user see a full ID-card or mobile number (logged).
ABILITIES: dict[str, set[str]] = {
    "unmask": {"grid_worker", "community_staff", "street_staff", "district_admin"},
    "import_people": {"community_staff", "street_staff", "district_admin"},
    "export_people": {"grid_worker", "community_staff", "street_staff", "district_admin"},
}

GRID_ROLES = {"grid_worker", "part_time_grid_member", "guiding_grid_member"}
GRID_CODE_LENGTH = 15


def can(scope: Scope, ability: str) -> bool:
    return scope.everything or bool(scope.roles & ABILITIES.get(ability, set()))


@dataclass(frozen=True)
class Section:
    """One tile of the home page; with a URL it is also a link in the navigation bar."""

    title: str | Promise
    description: str | Promise
    url: str | None = None
    key: str = ""


def _url(name: str, *args) -> str | None:
    """The URL of a page, or None while the page does not exist yet (apps land one by one)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _grid_codes(scope: Scope) -> list[str]:
    return [code for code in scope.area_codes if len(code) == GRID_CODE_LENGTH]


def home_sections(scope: Scope, *, admin: bool = False, grid_names: dict[str, str] | None = None) -> list[Section]:
    """The links on a user's home page, by what their roles let them do.

    ``admin``: the user may open the Django admin (``is_staff``).  ``grid_names``: code → name of the
    user's grids, to title one tile per grid; without it a single "My grid" link is given (the
    navigation bar uses that form and so costs no query).
    """
    sections: list[Section] = []
    staff = scope.is_staff
    if staff:
        sections.append(Section(_("People"), _("Residents, workers and party members in your area"),
                                _url("people:list"), "people"))
        if can(scope, "import_people"):
            sections.append(Section(_("Import people"), _("Import residents and workers from Excel"),
                                    _url("people:import"), "import"))
        sections.append(Section(_("Organisation tree"), _("Streets, communities, grids and party organisations"),
                                _url("places:tree"), "tree"))
    elif scope.area_codes:
        sections.append(Section(_("My grid's people"), _("Residents and workers living in your grid"),
                                _url("people:list"), "people"))
        codes = _grid_codes(scope)
        if grid_names is not None and len(codes) > 1:
            for code in codes:
                sections.append(Section(grid_names.get(code, code), _("Your grid: buildings, households, figures"),
                                        _url("places:grid", code), f"grid:{code}"))
        elif codes:
            title = grid_names.get(codes[0], _("My grid")) if grid_names else _("My grid")
            sections.append(Section(title, _("Your grid: buildings, households, figures"),
                                    _url("places:grid", codes[0]), f"grid:{codes[0]}"))
    if staff or scope.area_codes:
        sections.append(Section(_("Grid map"), _("Grid boundaries on the map"), _url("places:map"), "map"))
    if scope.area_codes or scope.department_ids or scope.everything:
        sections.append(Section(_("My cases"), _("Cases to handle and to verify, most urgent first"),
                                _url("cases:inbox"), "inbox"))
    if staff:
        sections.append(Section(_("Dispatch board"), _("New, unassigned, overdue, escalated and supervised cases"),
                                _url("cases:board"), "board"))
    from linli.cases.intake import INTAKE_ROLES

    if staff or scope.roles & INTAKE_ROLES:
        sections.append(Section(_("Log a case"), _("Hotline calls, WeChat messages, opinion drives, patrols"),
                                _url("cases:new"), "intake"))
    if staff:
        sections.append(Section(_("Points figures"), _("Points issued and redeemed, sponsors and gifts"),
                                _url("volunteering:figures"), "points-figures"))
    if admin:
        sections.append(Section(_("Administration"), _("Edit every record in the Django admin"),
                                _url("admin:index"), "admin"))
    if scope.partner_ids:
        sections.append(Section(_("My shop"), _("Confirm the redemption codes of points rewards"),
                                _url("volunteering:shop"), "shop"))
    if scope.person_id:
        sections.append(Section(_("Report a problem"), _("Snap and report: photo and location"),
                                _url("cases:report"), "report"))
        sections.append(Section(_("My reports"), _("Follow your reports and rate the result"),
                                _url("cases:mine"), "mine"))
        sections.append(Section(_("My points"), _("Points balance, rewards and redemptions"),
                                _url("volunteering:points"), "points"))
        sections.append(Section(_("Volunteering"), _("Teams, activities, check-in and service records"),
                                _url("activities:activity_list"), "activities"))
        sections.append(Section(_("Micro-wishes"), _("Post a small wish, or claim one and fulfil it"),
                                _url("activities:wish_list"), "wishes"))
        sections.append(Section(_("My record"), _("Your basic information, roles and contributions"),
                                _url("people:detail", scope.person_id), "me"))
    sections.append(Section(_("Public cases"), _("What was reported and how it ended, on a map"),
                            _url("cases:public_list"), "public"))
    # A page that does not exist yet is left out rather than linked to a 404.
    return [s for s in sections if s.url is not None]


def grid_names(scope: Scope) -> dict[str, str]:
    """Names of the grids a user works in (one query), for the home page's tiles."""
    from linli.places.models import Area

    codes = _grid_codes(scope)
    if not codes:
        return {}
    return dict(Area.objects.filter(code__in=codes).values_list("code", "name"))


def role_labels(scope: Scope) -> list[str]:
    """The user's current roles, by their display names (in the active language)."""
    from linli.people.models import Role

    return [str(Role(r).label) for r in Role.values if r in scope.roles]
