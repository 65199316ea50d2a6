"""Admin: meeting kinds are configured here; series can be corrected.  Minutes, outcomes, item histories,
votes and opinions are read-only: they change only through the pages, so the record is never rewritten."""

from django.contrib import admin

from .models import AgendaItem, ItemEvent, Meeting, MeetingKind, Motion, Opinion, OpinionDrive, Series


@admin.register(MeetingKind)
class MeetingKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "active", "order"]
    list_editable = ["active", "order"]
    search_fields = ["name", "code"]


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "area", "recurrence", "day_of_month", "active"]
    list_filter = ["kind", "recurrence", "active"]
    search_fields = ["name"]
    raw_id_fields = ["area", "members", "escalates_to", "created_by"]
    filter_horizontal = ["departments", "partners"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnly):
    list_display = ["title", "series", "starts_at", "status"]
    list_filter = ["status", "series__kind"]
    search_fields = ["title"]
    list_select_related = ["series"]


class EventInline(admin.TabularInline):
    model = ItemEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "note", "actor", "data", "at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnly):
    list_display = ["title", "meeting", "source", "outcome", "case"]
    list_filter = ["outcome", "source"]
    search_fields = ["title"]
    list_select_related = ["meeting", "case"]
    inlines = [EventInline]


@admin.register(Motion)
class MotionAdmin(ReadOnly):
    list_display = ["text", "meeting", "result", "votes_for", "votes_against", "abstentions", "present"]
    list_select_related = ["meeting"]


@admin.register(OpinionDrive)
class OpinionDriveAdmin(ReadOnly):
    list_display = ["question", "area", "opens_at", "closes_at"]
    list_select_related = ["area"]


@admin.register(Opinion)
class OpinionAdmin(ReadOnly):
    list_display = ["drive", "created_at", "case", "item"]
    list_select_related = ["drive", "case", "item"]
