"""Meetings' links: the meetings and series for those who run them, accountability, proposing a topic."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from linli.core import roles
from linli.core.nav import NavContext, Section, contributes, url


@contributes(order=45)
def meeting_links(context: NavContext):
    scope = context.scope
    if scope.is_staff or scope.roles & roles.GRID_ROLES:
        yield Section(_("Meetings"), _("Deliberation meetings: agendas, minutes with outcomes, votes"),
                      url("meetings:series_list"), "meetings")
        yield Section(_("Accountability"), _("Every item handed to the case loop, followed to closure"),
                      url("meetings:accountability"), "accountability")
        yield Section(_("WeChat group messages"), _("Paste messages from a building's group: cases and topics"),
                      url("meetings:wechat"), "wechat")
    elif scope.department_ids:
        yield Section(_("Accountability"), _("Items the meetings handed to your department"),
                      url("meetings:accountability"), "accountability")
    if scope.person_id or scope.is_staff:
        yield Section(_("Opinion drives"), _("Questions put to the residents; answer on your phone"),
                      url("meetings:drives"), "opinions")
    if scope.person_id:
        yield Section(_("Raise a topic"), _("Put a problem on the agenda of the next meeting"),
                      url("meetings:index"), "propose")
