"""Admin of the 15-minute service circle: the amenity catalogue (editable in the list) and the stations with
their opening hours and closures inline."""

from __future__ import annotations

from django.contrib import admin

from .models_stations import Amenity, OpeningHours, ServiceStation, StationClosure, StationPhoto


@admin.register(Amenity)
class AmenityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "active"]
    list_editable = ["order", "active"]
    search_fields = ["name", "code"]


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 1


class StationClosureInline(admin.TabularInline):
    model = StationClosure
    extra = 1


class StationPhotoInline(admin.TabularInline):
    model = StationPhoto
    extra = 0
    fields = ["image", "caption", "order"]


@admin.register(ServiceStation)
class ServiceStationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "area", "operator", "contact_phone", "active"]
    list_filter = ["kind", "active", "amenities"]
    search_fields = ["name", "address", "area__name", "operator__name"]
    list_select_related = ["area", "operator"]
    autocomplete_fields = ["area", "operator"]
    filter_horizontal = ["amenities"]
    inlines = [OpeningHoursInline, StationClosureInline, StationPhotoInline]
