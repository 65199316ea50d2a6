"""Admin of the funds: funds are edited here; the ledger, rates and exemptions are shown read-only
(they are append-only and are written through the fund pages, which apply the rules)."""

from __future__ import annotations

from django.contrib import admin

from .models import Entry, Exemption, FeeRate, Fund, SpendingClaim


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "starts_on", "purpose"]
    search_fields = ["name", "area__name", "area__code"]
    autocomplete_fields = ["area"]
    list_select_related = ["area"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Entry)
class EntryAdmin(ReadOnly):
    list_display = ["id", "fund", "kind", "amount_fen", "occurred_on", "receipt_no", "reverses"]
    list_filter = ["kind", "fund"]
    list_select_related = ["fund", "reverses"]


@admin.register(FeeRate)
class FeeRateAdmin(ReadOnly):
    list_display = ["fund", "amount_fen", "starts_on", "recorded_at"]
    list_select_related = ["fund"]


@admin.register(Exemption)
class ExemptionAdmin(ReadOnly):
    list_display = ["fund", "household", "first_month", "last_month", "reason"]
    list_select_related = ["fund", "household__unit__building"]


@admin.register(SpendingClaim)
class SpendingClaimAdmin(ReadOnly):
    list_display = ["fund", "item", "amount_fen", "status", "spent_on"]
    list_filter = ["status", "item"]
    list_select_related = ["fund"]
