"""Funds' link: the self-management funds a user collects for, manages, approves or lives under."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from linli.core.nav import NavContext, Section, contributes, url


@contributes(order=70)
def funds_links(context: NavContext):
    if context.scope.person_id or context.scope.everything:
        yield Section(_("Self-management fund"), _("Fees, collection, spending and the monthly statement"),
                      url("funds:list"), "funds")
