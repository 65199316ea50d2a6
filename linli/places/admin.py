"""Admin for places: the area tree (also one page per level), buildings, units, households,
party organisations, departments and partner units."""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .geo import GeometryError, set_centre, validate_boundary
from .models import (
    PARENT_LEVEL,
    Area,
    AreaLevel,
    Building,
    BuildingUnit,
    Community,
    Department,
    District,
    Grid,
    Household,
    PartnerUnit,
    PartyOrg,
    Street,
)


class AreaForm(forms.ModelForm):
    """Checks the boundary as a grid boundary (GeoJSON Polygon/MultiPolygon in WGS-84)."""

    level_fixed: str | None = None

    class Meta:
        model = Area
        fields = ["level", "code", "name", "parent", "boundary", "description"]
        widgets = {"boundary": forms.Textarea(attrs={"rows": 6, "cols": 80})}
        help_texts = {
            "code": _("District 6 digits, street 9, community 12, grid 15; each starts with its parent's code."),
            "boundary": _('Grids only: a GeoJSON Polygon or MultiPolygon in WGS-84, e.g. '
                          '{"type": "Polygon", "coordinates": [[[106.5, 29.4], [106.51, 29.4], '
                          '[106.51, 29.41], [106.5, 29.4]]]}'),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.level_fixed:
            self.instance.level = self.level_fixed
        if "parent" in self.fields:
            parent_level = PARENT_LEVEL.get(self.level_fixed) if self.level_fixed else None
            cast(forms.ModelChoiceField, self.fields["parent"]).queryset = (
                Area.objects.filter(level=parent_level) if parent_level
                else Area.objects.exclude(level=AreaLevel.GRID))

    def clean_boundary(self):
        boundary = self.cleaned_data.get("boundary")
        if boundary in (None, "", {}):
            return None
        if isinstance(boundary, str):  # a JSON string literal pasted in by mistake
            try:
                boundary = json.loads(boundary)
            except ValueError:
                raise forms.ValidationError(_("The boundary is not valid JSON.")) from None
        try:
            validate_boundary(boundary)
        except GeometryError as exc:
            raise forms.ValidationError(str(exc)) from None
        return boundary

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        level = cleaned.get("level") or self.level_fixed
        if cleaned.get("boundary") and level != AreaLevel.GRID:
            self.add_error("boundary", _("Only grids have a boundary."))
        return cleaned


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    form = AreaForm
    list_display = ["code", "name", "level", "parent", "has_boundary", "updated_at"]
    list_filter = ["level", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    ordering = ["code"]
    fields = ["level", "code", "name", "parent", "boundary", "centre_lat", "centre_lng", "description", "updated_at"]
    readonly_fields = ["centre_lat", "centre_lng", "updated_at"]

    @admin.display(boolean=True, description=_("boundary"))
    def has_boundary(self, obj: Area) -> bool:
        return bool(obj.boundary)

    def save_model(self, request, obj: Area, form, change: bool) -> None:
        set_centre(obj)
        super().save_model(request, obj, form, change)


def _level_admin(model: type[Area], level: str) -> type[AreaAdmin]:
    form = type(f"{model.__name__}Form", (AreaForm,), {"level_fixed": level})
    fields = [f for f in AreaAdmin.fields if f != "level"]
    if level != AreaLevel.GRID:
        fields = [f for f in fields if f not in ("boundary", "centre_lat", "centre_lng")]
    if level == AreaLevel.DISTRICT:
        fields.remove("parent")
    attrs = {
        "form": form,
        "fields": fields,
        "list_filter": [("parent", admin.RelatedOnlyFieldListFilter)] if level != AreaLevel.DISTRICT else [],
        "list_display": ["code", "name", "parent", "has_boundary", "updated_at"] if level == AreaLevel.GRID
        else ["code", "name", "parent", "updated_at"],
    }
    return type(f"{model.__name__}Admin", (AreaAdmin,), attrs)


for _model, _level in ((District, AreaLevel.DISTRICT), (Street, AreaLevel.STREET),
                       (Community, AreaLevel.COMMUNITY), (Grid, AreaLevel.GRID)):
    admin.site.register(_model, _level_admin(_model, _level))


class BuildingUnitInline(admin.TabularInline):
    model = BuildingUnit
    extra = 0


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["name", "grid", "address", "floors", "unit_count", "lat", "lng"]
    list_filter = [("grid", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "address", "grid__name", "grid__code"]
    list_select_related = ["grid"]
    autocomplete_fields = ["grid"]
    inlines = [BuildingUnitInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_units=Count("units"))

    @admin.display(description=_("units"), ordering="_units")
    def unit_count(self, obj: Building) -> int:
        return obj._units  # type: ignore[attr-defined]  # annotated by get_queryset


@admin.register(BuildingUnit)
class BuildingUnitAdmin(admin.ModelAdmin):
    list_display = ["__str__", "building", "number"]
    list_filter = [("building__grid", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["number", "building__name", "building__grid__name", "building__grid__code"]
    list_select_related = ["building__grid"]
    autocomplete_fields = ["building"]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["__str__", "grid", "unit", "door"]
    list_filter = [("grid", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["door", "unit__building__name", "grid__name", "grid__code"]
    list_select_related = ["grid", "unit__building"]
    autocomplete_fields = ["unit"]


@admin.register(PartyOrg)
class PartyOrgAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "area", "building", "founded_on"]
    list_filter = ["kind", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "area__name", "area__code"]
    list_select_related = ["parent", "area", "building"]
    autocomplete_fields = ["parent", "area", "building", "household"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "area", "contact_name", "contact_phone"]
    list_filter = ["kind", ("area", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "code", "contact_name"]
    list_select_related = ["area"]
    autocomplete_fields = ["area"]


@admin.register(PartnerUnit)
class PartnerUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "area", "address", "contact_name", "contact_phone"]
    list_filter = ["kind", ("area", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "address", "contact_name", "area__name", "area__code"]
    list_select_related = ["area"]
    autocomplete_fields = ["area"]


from . import admin_stations  # noqa: E402,F401 - the service stations' admin
