"""Care in the admin: the catalogue of six-helps services is edited here; histories (visits, errand events,
health notes) are read-only, and health notes are not shown in the admin at all (read them on the
recipient's page, where every reading is logged)."""

from django.contrib import admin

from .models import Alert, CarePair, CareRecipient, DutySlot, DutySwap, Errand, ErrandEvent, HelpService


@admin.register(HelpService)
class HelpServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "provider", "area", "price_fen", "active")
    list_filter = ("kind", "active")
    autocomplete_fields = ()
    raw_id_fields = ("provider", "area")


@admin.register(CareRecipient)
class CareRecipientAdmin(admin.ModelAdmin):
    list_display = ("person", "area", "risk", "active")
    list_filter = ("risk", "active")
    raw_id_fields = ("person", "area", "registered_by")
    readonly_fields = ("created_at",)


@admin.register(CarePair)
class CarePairAdmin(admin.ModelAdmin):
    list_display = ("recipient", "carer", "team", "starts_on", "ends_on")
    raw_id_fields = ("recipient", "carer", "team", "created_by")


@admin.register(DutySlot)
class DutySlotAdmin(admin.ModelAdmin):
    list_display = ("area", "weekday", "starts", "ends", "person", "valid_from", "valid_until")
    raw_id_fields = ("area", "person")


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DutySwap)
class DutySwapAdmin(ReadOnly):
    list_display = ("date", "slot", "replacement", "reason")


@admin.register(Alert)
class AlertAdmin(ReadOnly):
    list_display = ("starts_at", "kind", "area", "declared_by")


@admin.register(Errand)
class ErrandAdmin(ReadOnly):
    list_display = ("pk", "kind", "status", "person", "agent", "created_at")
    list_filter = ("status", "kind")


@admin.register(ErrandEvent)
class ErrandEventAdmin(ReadOnly):
    list_display = ("errand", "action", "by", "at")
