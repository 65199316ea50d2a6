"""Admin for the points scheme: schemes and rewards are edited here; accounts, transfers and redemptions are
read-only (points move only through the ledger, and a mistake is corrected by a reversing transfer)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.money import yuan

from .ledger import LedgerError
from .models import Account, Redemption, Reward, Scheme, Transfer
from .rewards import restock


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never added, changed or deleted through the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "area", "points_per_hour", "points_per_verified_case", "points_per_meeting",
                    "points_per_wish", "manual_daily_cap", "expiry", "active")
    list_filter = ("active", "expiry")
    search_fields = ("name", "code")
    autocomplete_fields = ("area",)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # a scheme with accounts must stay; set it inactive instead


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "kind", "scheme", "balance")
    list_filter = ("kind", "scheme")
    search_fields = ("person__name",)
    list_select_related = ("person", "scheme")


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ("id", "at", "debit", "credit", "amount", "source", "source_ref", "reason", "created_by")
    list_filter = ("source",)
    search_fields = ("key", "source_ref", "reason", "debit__person__name", "credit__person__name")
    list_select_related = ("debit__person", "debit__scheme", "credit__person", "credit__scheme", "created_by")
    date_hierarchy = "at"
    show_full_result_count = False


class RestockForm(forms.Form):
    items = forms.IntegerField(label=gettext_lazy("Items to add"), min_value=1, max_value=100_000)


@admin.register(Reward)
class RewardAdmin(admin.ModelAdmin):
    list_display = ("name", "sponsor", "kind", "points", "stock", "stock_offered", "value_display", "valid_from",
                    "valid_until", "active")
    list_filter = ("active", "kind", "scheme")
    search_fields = ("name", "sponsor__name")
    list_select_related = ("sponsor",)
    readonly_fields = ("stock_offered",)
    actions = ["restock_action"]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        # Stock changes by redeeming and restocking only, once the reward exists.
        return ("stock", "stock_offered") if obj is not None else ("stock_offered",)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # redemptions keep pointing at it; set it inactive instead

    @admin.display(description=gettext_lazy("declared value (yuan)"), ordering="value_fen")
    def value_display(self, obj: Reward) -> str:
        return yuan(obj.value_fen)

    @admin.action(description=gettext_lazy("Restock the selected rewards"))
    def restock_action(self, request: HttpRequest, queryset: QuerySet[Reward]) -> TemplateResponse | None:
        form = RestockForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            try:
                for reward in queryset:
                    restock(reward, form.cleaned_data["items"])
            except LedgerError as exc:
                self.message_user(request, "；".join(exc.messages), messages.ERROR)
                return None
            self.message_user(request, _("%(n)d items added to %(count)d rewards.") % {
                "n": form.cleaned_data["items"], "count": queryset.count()}, messages.SUCCESS)
            return None
        return TemplateResponse(request, "points/rewards_restock.html", {
            **self.admin_site.each_context(request), "title": _("Restock the selected rewards"),
            "form": form, "rewards": queryset, "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    list_display = ("id", "reward", "person", "status", "created_at", "expires_at", "completed_at", "confirmed_by")
    list_filter = ("status", "reward__sponsor")
    search_fields = ("reward__name", "person__name")
    list_select_related = ("reward", "person", "confirmed_by")
    exclude = ("code",)  # the code is the person's, shown on their phone only
