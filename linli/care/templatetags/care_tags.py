"""The care tabs a user may open (from their roles: no query beyond the cached scope)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core import roles
from linli.core.scope import scope_for

from ..services.access import MANAGER_ROLES

register = template.Library()


@register.simple_tag(takes_context=True)
def care_tabs(context) -> list[tuple[str, object]]:
    request = context.get("request")
    if request is None:
        return []
    scope = scope_for(request.user)
    manager = scope.everything or bool(scope.roles & MANAGER_ROLES)
    tabs = []
    if manager or scope.has_role(roles.VOLUNTEER):
        tabs += [("care:recipient_list", _("Care recipients")), ("care:due", _("Visits due")),
                 ("care:visit_list", _("Visits"))]
    if manager or scope.has_role(roles.HOTLINE_DUTY):
        tabs += [("care:hotline", _("Filial hotline")), ("care:errand_list", _("Errands"))]
    if scope.has_role(roles.ERRAND_AGENT):
        tabs.append(("care:errand_mine", _("My errands")))
    if manager:
        tabs += [("care:helps", _("Six helps")), ("care:outreach", _("Outreach")), ("care:figures", _("Care figures"))]
    return [(reverse(name), label) for name, label in tabs]
