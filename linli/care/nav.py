"""Care links: the care list, visits due, alerts and figures for those who manage care; the carer's visits;
the hotline; the agent's errands.  No query: the home page of the person on duty shows the call form
itself (``care.desk.duty_desk``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from linli.core import roles
from linli.core.nav import NavContext, Section, contributes, url

from .services.access import MANAGER_ROLES


@contributes(order=50)
def care_links(context: NavContext):
    scope = context.scope
    manager = scope.everything or bool(scope.roles & MANAGER_ROLES)
    hotline = manager or scope.has_role(roles.HOTLINE_DUTY)
    if manager:
        yield Section(_("Care recipients"), _("Elderly and disabled people on a visit plan, their carers; the "
                                              "hotline, errands, six helps and figures are tabs inside"),
                      url("care:recipient_list"), "care")
        yield Section(_("Visits due"), _("Visits missed and due soon, alerts"), url("care:due"), "care-due")
    elif scope.has_role(roles.VOLUNTEER):
        yield Section(_("My care visits"), _("The elderly people you are paired with, visits due"),
                      url("care:recipient_list"), "care")
    if hotline and not manager:
        yield Section(_("Filial hotline"), _("Duty roster and calls"), url("care:hotline"), "care-hotline")
    if scope.has_role(roles.ERRAND_AGENT):
        yield Section(_("My errands"), _("Errands sent to you: accept, do, report"), url("care:errand_mine"),
                      "care-my-errands")
