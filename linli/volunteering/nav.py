"""Volunteering links: activities and check-in, micro-wishes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from linli.core.nav import NavContext, Section, contributes, url


@contributes(order=90)
def volunteering_links(context: NavContext):
    if context.scope.person_id:
        yield Section(_("Volunteering"), _("Teams, activities, check-in and service records"),
                      url("volunteering:activity_list"), "activities")
        yield Section(_("Micro-wishes"), _("Post a small wish, or claim one and fulfil it"),
                      url("volunteering:wish_list"), "wishes")
