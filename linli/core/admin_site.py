"""The Django admin's guard rails, by design (issue 14, hole 2).

- **Who.** The admin is a back office for superusers and district administrators only: their scope is
  the whole district, so there is no narrower scope for the admin to get wrong.  Every other account,
  even one marked ``is_staff`` and holding model permissions, is refused at the door; staff work in the
  scoped pages, where the one scope filter answers 404 outside their areas.
- **What.** Personal numbers and names never appear in full in the admin, not even to those two: a
  ``ModelAdmin`` lists them in ``masked_fields`` (``MaskedFieldsMixin``); the form leaves them out and the
  page shows them masked, with a link to the logged unmask flow where one exists.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .scope import scope_for


class LinliAdminSite(admin.AdminSite):
    site_header = _("Linli administration")
    site_title = _("Linli admin")
    index_title = _("Data administration")

    def has_permission(self, request) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return user.is_superuser or scope_for(user).everything


class LinliAdminConfig(AdminConfig):
    """``django.contrib.admin`` with ``LinliAdminSite`` as ``admin.site`` (listed in INSTALLED_APPS)."""

    default_site = "linli.core.admin_site.LinliAdminSite"


Mask = Callable[[Any], str]  # takes the field's value


def mask_json(keys: Mapping[str, Callable[[str], str]]) -> Mask:
    """A mask for a JSON field: the named keys masked, the rest shown as they are."""

    def mask(value) -> str:
        if not isinstance(value, dict):
            return ""
        shown = {k: (keys[k](str(v)) if k in keys and v else v) for k, v in value.items()}
        return json.dumps(shown, ensure_ascii=False, indent=1, sort_keys=True)

    return mask


class MaskedFieldsMixin:
    """Fields named in ``masked_fields`` (field name → mask function) are never in a form and are shown
    masked on the change, view and history pages.  ``unmask_url_name`` (a URL name taking the object's
    pk and the field name) adds a link to the logged unmask flow for the fields it accepts."""

    masked_fields: Mapping[str, Mask] = {}
    unmask_url_name: str | None = None
    unmask_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._masked_displays = [self._masked_display(name, mask) for name, mask in self.masked_fields.items()]

    def _masked_display(self, name: str, mask: Mask):
        label = self.model._meta.get_field(name).verbose_name

        def display(obj) -> str:
            value = mask(getattr(obj, name, None) or "")
            if not value:
                return "—"
            if name in self.unmask_fields and self.unmask_url_name and getattr(obj, "pk", None):
                try:
                    url = reverse(self.unmask_url_name, args=[obj.pk, name])
                except NoReverseMatch:
                    return value
                return format_html('{} <a href="{}">{}</a>', value, url, _("Show in full (logged)"))
            return value

        display.short_description = label
        display.__name__ = f"{name}_masked"
        return display

    def get_exclude(self, request, obj=None):
        return (*(super().get_exclude(request, obj) or ()), *self.masked_fields)

    def get_readonly_fields(self, request, obj=None):
        kept = [f for f in super().get_readonly_fields(request, obj) if f not in self.masked_fields]
        return (*kept, *self._masked_displays)

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f not in self.masked_fields]
        return [*fields, *(d for d in self._masked_displays if d not in fields)]


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin that shows rows and never adds, changes or deletes them (logs, background jobs)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
