"""The administrative tree, the party tree beside it, departments and partner units.

District (区) → Street (街道) → Community (社区) → Grid (网格) share one table, ``Area``, keyed by a
hierarchical code: 6-digit district (GB/T 2260) + 3-digit street + 3-digit community + 3-digit
grid sequence, so that "everything under this street" is a range of codes and the scope filter
is one indexed range query.  ``District``, ``Street``, ``Community`` and ``Grid`` are proxies of it.
Buildings, units and households hang below a grid.
"""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.codes import code_range  # noqa: F401 - re-exported: places is where apps look for it

CODE_LENGTHS = {6: "district", 9: "street", 12: "community", 15: "grid"}


class AreaLevel(models.TextChoices):
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")


LEVEL_LENGTH: dict[str, int] = {AreaLevel.DISTRICT: 6, AreaLevel.STREET: 9, AreaLevel.COMMUNITY: 12, AreaLevel.GRID: 15}
PARENT_LEVEL: dict[str, str] = {
    AreaLevel.STREET: AreaLevel.DISTRICT,
    AreaLevel.COMMUNITY: AreaLevel.STREET,
    AreaLevel.GRID: AreaLevel.COMMUNITY,
}

code_validator = RegexValidator(r"^\d{6}(\d{3}){0,3}$", _("A code is 6, 9, 12 or 15 digits."))


class AreaQuerySet(models.QuerySet):
    def under(self, code: str) -> AreaQuerySet:
        """This area and every area below it."""
        low, high = code_range(code)
        return self.filter(code__gte=low, code__lt=high)


class Area(models.Model):
    """One node of the administrative tree (district, street, community or grid)."""

    level = models.CharField(_("level"), max_length=10, choices=AreaLevel.choices, db_index=True)
    code = models.CharField(_("code"), max_length=15, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    # Grids only: boundary as a GeoJSON geometry (Polygon or MultiPolygon, WGS-84 lng/lat).
    boundary = models.JSONField(_("boundary"), null=True, blank=True)
    centre_lat = models.FloatField(_("centre latitude"), null=True, blank=True)
    centre_lng = models.FloatField(_("centre longitude"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        expected = LEVEL_LENGTH.get(self.level)
        if expected and self.code and len(self.code) != expected:
            raise ValidationError({"code": _("A %(level)s code has %(n)d digits.") % {
                "level": self.get_level_display(), "n": expected}})
        if self.level != AreaLevel.DISTRICT:
            if not self.parent:
                raise ValidationError({"parent": _("This level needs a parent area.")})
            if self.parent.level != PARENT_LEVEL[self.level]:
                raise ValidationError({"parent": _("The parent area is at the wrong level.")})
            if self.code and not self.code.startswith(self.parent.code):
                raise ValidationError({"code": _("The code must start with the parent's code.")})

    @classmethod
    def scope_q(cls, scope) -> models.Q:
        return scope.area_q("code")

    def ancestor(self, level: str) -> Area | None:
        """This unit or the one above it at ``level`` (a street for a grid), or ``None`` if it lies above that.

        Walks ``parent`` links, so a caller that ``select_related`` the parents runs no query."""
        node: Area | None = self
        while node is not None and node.level != level:
            node = node.parent
        return node

    def ancestors(self) -> list[Area]:
        """From the district down to the parent, without querying more than the tree depth."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]


_AreaManager = models.Manager.from_queryset(AreaQuerySet)


class _LevelManager(_AreaManager):
    def __init__(self, level: str) -> None:
        super().__init__()
        self.level = level

    def get_queryset(self):
        return super().get_queryset().filter(level=self.level)

    def create(self, **kwargs):
        kwargs.setdefault("level", self.level)
        return super().create(**kwargs)


class District(Area):
    objects: ClassVar[_LevelManager] = _LevelManager(AreaLevel.DISTRICT)

    class Meta:
        proxy = True
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Street(Area):
    objects: ClassVar[_LevelManager] = _LevelManager(AreaLevel.STREET)

    class Meta:
        proxy = True
        verbose_name = _("street")
        verbose_name_plural = _("streets")


class Community(Area):
    objects: ClassVar[_LevelManager] = _LevelManager(AreaLevel.COMMUNITY)

    class Meta:
        proxy = True
        verbose_name = _("community")
        verbose_name_plural = _("communities")


class Grid(Area):
    objects: ClassVar[_LevelManager] = _LevelManager(AreaLevel.GRID)

    class Meta:
        proxy = True
        verbose_name = _("grid")
        verbose_name_plural = _("grids")


class Building(models.Model):
    grid = models.ForeignKey(Area, models.PROTECT, related_name="buildings", verbose_name=_("grid"),
                             limit_choices_to={"level": AreaLevel.GRID})
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. Building 3"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True,
                            validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lng = models.FloatField(_("longitude"), null=True, blank=True,
                            validators=[MinValueValidator(-180), MaxValueValidator(180)])
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    built_year = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["grid", "name"]
        constraints = [models.UniqueConstraint(fields=["grid", "name"], name="building_unique_in_grid")]

    def __str__(self) -> str:
        return f"{self.grid.name} {self.name}"

    @classmethod
    def scope_q(cls, scope) -> models.Q:
        return scope.area_q("grid__code")


class BuildingUnit(models.Model):
    """单元: a stairwell/entrance of a building."""

    building = models.ForeignKey(Building, models.CASCADE, related_name="units", verbose_name=_("building"))
    number = models.CharField(_("unit number"), max_length=20)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["building", "number"]
        constraints = [models.UniqueConstraint(fields=["building", "number"], name="unit_unique_in_building")]

    def __str__(self) -> str:
        return _("%(building)s, unit %(unit)s") % {"building": self.building.name, "unit": self.number}


class Household(models.Model):
    """户: one home, the address of the people who live there."""

    unit = models.ForeignKey(BuildingUnit, models.CASCADE, related_name="households", verbose_name=_("unit"))
    # Denormalised from unit → building → grid so that scope filters need no joins up the tree.
    grid = models.ForeignKey(Area, models.PROTECT, related_name="households", verbose_name=_("grid"),
                             editable=False)
    door = models.CharField(_("door number"), max_length=20)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["unit", "door"]
        constraints = [models.UniqueConstraint(fields=["unit", "door"], name="household_unique_in_unit")]

    def __str__(self) -> str:
        return f"{self.unit.building.name}-{self.unit.number}-{self.door}"

    def save(self, *args, **kwargs):
        self.grid_id = self.unit.building.grid_id
        super().save(*args, **kwargs)

    @classmethod
    def scope_q(cls, scope) -> models.Q:
        return scope.area_q("grid__code")


class PartyOrgKind(models.TextChoices):
    WORKING_COMMITTEE = "working_committee", _("Street party working committee")
    COMMUNITY_COMMITTEE = "community_committee", _("Community party committee")
    GENERAL_BRANCH = "general_branch", _("Community party general branch")
    GRID_BRANCH = "grid_branch", _("Grid party branch")
    FUNCTIONAL_BRANCH = "functional_branch", _("Functional party branch")
    BUILDING_GROUP = "building_group", _("Building party group")
    CENTRAL_HOUSEHOLD = "central_household", _("Party-member central household")


class PartyOrg(models.Model):
    """A node of the party tree, linked to the administrative unit it covers."""

    kind = models.CharField(_("kind"), max_length=30, choices=PartyOrgKind.choices)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent organisation"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="party_orgs", verbose_name=_("area covered"))
    building = models.ForeignKey(Building, models.SET_NULL, null=True, blank=True, related_name="party_orgs",
                                 verbose_name=_("building"))
    household = models.ForeignKey(Household, models.SET_NULL, null=True, blank=True,
                                  related_name="party_orgs", verbose_name=_("household"))
    founded_on = models.DateField(_("founded on"), null=True, blank=True)

    class Meta:
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        ordering = ["area__code", "id"]

    def __str__(self) -> str:
        return self.name


class DepartmentKind(models.TextChoices):
    DISTRICT = "district", _("District department")
    STREET_POST = "street_post", _("Street post")


class Department(models.Model):
    """A district department (城管, 住建, 规划, 应急, 交通 …) or a street post."""

    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey(Area, models.PROTECT, related_name="departments", verbose_name=_("area"),
                             help_text=_("The district for a department, the street for a street post."))
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class PartnerKind(models.TextChoices):
    PROPERTY = "property", _("Property company")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    COMPANY = "company", _("Company")
    SPONSOR_SHOP = "sponsor_shop", _("Sponsor shop")
    PROVIDER = "provider", _("Service provider")
    OTHER = "other", _("Other")


class PartnerUnit(models.Model):
    """A co-building partner (联建共建): property firm, owners' committee, company, sponsor shop."""

    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey(Area, models.PROTECT, related_name="partners", verbose_name=_("area"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("partner unit")
        verbose_name_plural = _("partner units")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name
from .models_stations import *  # noqa: E402,F401,F403
