"""The home app's own link: the Django admin, for users allowed in it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from linli.core.nav import NavContext, Section, contributes, url


@contributes(order=50)
def admin_link(context: NavContext):
    if context.admin:
        yield Section(_("Administration"), _("Edit every record in the Django admin"), url("admin:index"), "admin")
