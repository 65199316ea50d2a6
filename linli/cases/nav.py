"""Cases' links: the inbox and board for those who handle cases, intake, reporting, the public pages."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from linli.core.nav import NavContext, Section, contributes, url

from .permissions import INTAKE_ROLES


@contributes(order=30)
def desk_links(context: NavContext) -> Iterator[Section]:
    scope = context.scope
    if scope.area_codes or scope.department_ids or scope.everything:
        yield Section(_("My cases"), _("Cases to handle and to verify, most urgent first"), url("cases:inbox"),
                      "inbox")
    if scope.is_staff:
        yield Section(_("Dispatch board"), _("New, unassigned, overdue, escalated and supervised cases"),
                      url("cases:board"), "board")
    if scope.is_staff or scope.roles & INTAKE_ROLES:
        yield Section(_("Log a case"), _("Hotline calls, WeChat messages, opinion drives, patrols"),
                      url("cases:new"), "intake")


@contributes(order=70)
def reporter_links(context: NavContext) -> Iterator[Section]:
    if context.scope.person_id:
        yield Section(_("Report a problem"), _("Snap and report: photo and location"), url("cases:report"), "report")
        yield Section(_("My reports"), _("Follow your reports and rate the result"), url("cases:mine"), "mine")


@contributes(order=110)
def public_links(context: NavContext) -> Iterator[Section]:
    yield Section(_("Public cases"), _("What was reported and how it ended, on a map"), url("cases:public_list"),
                  "public")
