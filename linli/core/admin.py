"""The Django admin for users and background jobs, and the admin site's sign-in form."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .admin_site import ReadOnlyAdmin
from .forms import AdminLoginForm
from .models import AuditEntry, Job, User
from .scope import scope_for

# Titles, and who may enter (superusers and district administrators): see admin_site.LinliAdminSite.
admin.site.login_form = AdminLoginForm


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "person_link", "is_active", "is_staff", "is_superuser", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("username", "person__name", "first_name", "last_name", "email")
    list_select_related = ("person",)
    raw_id_fields = ("person",)
    fieldsets = (
        (None, {"fields": ("username", "password", "person")}),
        *(DjangoUserAdmin.fieldsets or ())[1:],
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "person", "password1", "password2")}),
    )

    @admin.display(description=_("person"), ordering="person__name")
    def person_link(self, obj: User) -> str:
        person = obj.person
        if person is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("people:detail", args=[person.pk]), person.name)


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    """Background jobs are written by the worker only: the admin shows them, nobody edits them."""

    list_display = ("id", "kind", "status", "percent_done", "created_by", "created_at", "finished_at")
    list_filter = ("status", "kind")
    search_fields = ("kind", "created_by__username")
    list_select_related = ("created_by",)
    date_hierarchy = "created_at"

    @admin.display(description=_("progress"))
    def percent_done(self, obj: Job) -> str:
        return f"{obj.percent}%"


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit log, read-only, for those the admin site lets in (district administrators, superusers)."""

    list_display = ("at", "username", "ip", "method", "action", "target", "status", "path")
    list_filter = ("method", "status", "action")
    search_fields = ("username", "path", "target", "ip")
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False  # a count of a long log costs more than the page

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        scope = scope_for(request.user)
        if request.user.is_superuser or scope.everything:
            return qs
        q = Q(pk__in=[])
        for code in scope.area_codes:  # (the admin admits whole-district scopes only; kept narrow anyway)
            q |= Q(scope__startswith=code)
        return qs.filter(q)

    def has_module_permission(self, request) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.admin_site.has_permission(request)
