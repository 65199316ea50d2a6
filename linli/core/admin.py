"""The Django admin for users and background jobs, and the admin site's sign-in form."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .forms import AdminLoginForm
from .models import Job, User

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
class JobAdmin(admin.ModelAdmin):
    """Background jobs are written by the worker only: the admin shows them, nobody edits them."""

    list_display = ("id", "kind", "status", "percent_done", "created_by", "created_at", "finished_at")
    list_filter = ("status", "kind")
    search_fields = ("kind", "created_by__username")
    list_select_related = ("created_by",)
    date_hierarchy = "created_at"

    @admin.display(description=_("progress"))
    def percent_done(self, obj: Job) -> str:
        return f"{obj.percent}%"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
