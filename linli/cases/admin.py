"""Admin for the cases app: the category catalogue, the working calendar, robots, street settings,
photo moderation, and read-only views of cases and messages (cases change only through the workflow)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import InlineModelAdmin
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.admin_site import MaskedFieldsMixin
from linli.core.identifiers import mask_name, mask_phone

from .models import (
    Case,
    CaseEvent,
    CasePhoto,
    Category,
    HandlerLevel,
    Holiday,
    Message,
    StreetCaseSettings,
    Webhook,
)


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ("parent", "kind", "code", "name", "description", "handler_level", "department", "accept_hours",
                  "resolve_days", "active", "order")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        parent = cleaned.get("parent")
        if parent is not None:
            if parent.parent_id is not None:
                self.add_error("parent", _("The catalogue has two levels: choose a top-level category."))
            if self.instance.pk and parent.pk == self.instance.pk:
                self.add_error("parent", _("A category cannot be its own parent."))
            if cleaned.get("kind") and parent.kind != cleaned["kind"]:
                self.add_error("kind", _("A category has the same kind as its parent."))
        elif self.instance.pk and self.instance.cases.exists():
            self.add_error("parent", _("Cases use this category; it must stay under a top-level category."))
        level, department = cleaned.get("handler_level"), cleaned.get("department")
        if level == HandlerLevel.DEPARTMENT and department is None:
            self.add_error("department", _("Choose the department that handles this category."))
        if level != HandlerLevel.DEPARTMENT and department is not None:
            self.add_error("department", _("A department is only set for the district-department level."))
        if cleaned.get("accept_hours") == 0:
            self.add_error("accept_hours", _("Give at least one working hour to accept."))
        if cleaned.get("resolve_days") == 0:
            self.add_error("resolve_days", _("Give at least one working day to resolve."))
        return cleaned


class ChildInline(admin.TabularInline):
    model = Category
    fk_name = "parent"
    form = CategoryForm
    fields = ("code", "name", "kind", "handler_level", "department", "accept_hours", "resolve_days", "active",
              "order")
    extra = 0
    show_change_link = True


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    list_display = ("name", "code", "parent", "kind", "handler_level", "department", "accept_hours",
                    "resolve_days", "active", "order")
    list_filter = ("kind", "handler_level", "active", ("parent", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "code", "description")
    list_select_related = ("parent", "department")
    list_editable = ("active", "order")
    autocomplete_fields = ()

    def get_inlines(self, request: HttpRequest, obj: Category | None) -> list[type[InlineModelAdmin[Any, Any]]]:
        return [ChildInline] if obj is not None and obj.parent_id is None else []


@admin.register(StreetCaseSettings)
class StreetCaseSettingsAdmin(admin.ModelAdmin):
    list_display = ("street", "allow_anonymous")
    list_filter = ("allow_anonymous",)
    list_select_related = ("street",)


@admin.action(description=gettext_lazy("Load the official holidays of this year and next"))
def load_holidays(modeladmin: admin.ModelAdmin[Holiday], request: HttpRequest,
                  queryset: QuerySet[Holiday]) -> None:
    from .worktime import load_official_holidays

    year = timezone.localdate().year
    for y in (year, year + 1):
        try:
            written = load_official_holidays(y)
        except NotImplementedError:
            modeladmin.message_user(request, _("The holiday calendar for %(year)d is not published yet; "
                                               "enter it by hand.") % {"year": y}, messages.WARNING)
        else:
            modeladmin.message_user(request, _("%(year)d: %(n)d days loaded.") % {"year": y, "n": written})


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "is_workday")
    list_filter = ("is_workday",)
    search_fields = ("name",)
    date_hierarchy = "date"
    actions = [load_holidays]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # The action needs no selection: let it run on an empty one.
        if request.method == "POST" and request.POST.get("action") == "load_holidays" \
                and not request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
            load_holidays(self, request, self.get_queryset(request).none())
            return redirect(request.get_full_path())
        return super().changelist_view(request, extra_context)


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ("kind", "area", "department", "active")
    list_filter = ("kind", "active")
    list_select_related = ("area", "department")
    search_fields = ("area__name", "department__name")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "text", "read_at")
    list_select_related = ("recipient",)
    search_fields = ("text", "recipient__username")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(CasePhoto)
class CasePhotoAdmin(admin.ModelAdmin):
    """Moderation: approve a photo for the public page, or hide it with a reason."""

    list_display = ("__str__", "kind", "public_approved", "hidden", "created_at")
    list_filter = ("kind", "public_approved", "hidden")
    list_select_related = ("case",)
    search_fields = ("case__number",)
    fields = ("case", "kind", "image", "thumbnail", "width", "height", "public_approved", "hidden",
              "hidden_reason")
    readonly_fields = ("case", "kind", "image", "thumbnail", "width", "height")
    actions = ["approve", "hide"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: CasePhoto, form: forms.ModelForm[CasePhoto],
                   change: bool) -> None:
        if obj.hidden and not obj.hidden_reason.strip():
            obj.hidden_reason = _("Hidden by a moderator")
        super().save_model(request, obj, form, change)

    @admin.action(description=gettext_lazy("Approve for the public page"))
    def approve(self, request: HttpRequest, queryset: QuerySet[CasePhoto]) -> None:
        n = queryset.update(public_approved=True, hidden=False, hidden_reason="")
        self.message_user(request, _("%(n)d photos approved.") % {"n": n})

    @admin.action(description=gettext_lazy("Hide from the public page"))
    def hide(self, request: HttpRequest, queryset: QuerySet[CasePhoto]) -> None:
        n = queryset.update(public_approved=False, hidden=True, hidden_reason=_("Hidden by a moderator"))
        self.message_user(request, _("%(n)d photos hidden.") % {"n": n})


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    fields = ("at", "action", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("at", "id")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[CaseEvent]:
        return super().get_queryset(request).select_related("actor")


class CasePhotoInline(admin.TabularInline):
    model = CasePhoto
    fields = ("kind", "image", "public_approved", "hidden", "hidden_reason")
    readonly_fields = ("kind", "image")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(MaskedFieldsMixin, admin.ModelAdmin):
    """Read-only except moderation fields: states change only through the workflow."""

    masked_fields = {"caller_name": mask_name, "callback_phone": mask_phone}

    list_display = ("number", "category", "status", "channel", "area", "level", "overdue", "supervised",
                    "created_at")
    list_filter = ("status", "channel", "level", "overdue", "supervised", "escalated", "public_hidden")
    search_fields = ("number",)
    list_select_related = ("category", "category__parent", "area")
    date_hierarchy = "created_at"
    inlines = [CasePhotoInline, CaseEventInline]
    editable = ("public_hidden", "public_hidden_reason")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return [f.name for f in Case._meta.fields if f.name not in self.editable]
