"""Figures links: the dashboard for staff, grid workers and department handlers (no query)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from linli.core.nav import NavContext, Section, contributes, url

from .services import may_view


@contributes(order=95)
def reports_links(context: NavContext):
    if may_view(context.scope):
        yield Section(_("Figures"), _("Dashboards of your units: cases and the five rates, meetings, volunteers, "
                                      "visits, errands, funds; the monthly report"), url("reports:index"), "reports")
