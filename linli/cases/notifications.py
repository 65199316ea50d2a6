"""Who hears about a case event, and how: in-site messages and group-robot webhooks.

Runs in the background worker.  Webhooks are posted by their own task, retried with exponential
backoff, and never fail or slow the request that caused them.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import roles
from linli.core.codes import ancestor_codes
from linli.core.models import User
from linli.core.text import markdown_text
from linli.people.models import RoleAssignment

from .models import Case, CaseEvent, HandlerLevel, Message, Webhook

log = logging.getLogger(__name__)

HANDLER_ROLES = {
    HandlerLevel.GRID: (roles.GRID_WORKER, roles.PART_TIME_GRID_MEMBER),
    HandlerLevel.COMMUNITY: (roles.COMMUNITY_STAFF,),
    HandlerLevel.STREET: (roles.STREET_STAFF,),
}
# Events the handlers hear about, and events the reporter hears about.
TO_HANDLERS = {"report", "dispatch", "escalate", "fail_verification", "rate", "supervise", "deadline_near", "overdue",
               "close_at_meeting"}
TO_REPORTER = {"accept", "reject", "resolve", "close", "dispatch", "close_at_meeting"}
WEBHOOK_EVENTS = {"report", "dispatch", "escalate", "supervise", "overdue"}
WEBHOOK_TIMEOUT = 5
WEBHOOK_RETRIES = 5


def handler_users(case: Case) -> QuerySet[User]:
    """The users who currently handle ``case``: its unit's grid workers or staff, or the department's handlers."""
    held = RoleAssignment.objects.current()
    if case.level == HandlerLevel.DEPARTMENT:
        held = held.filter(role=roles.DEPARTMENT_HANDLER, department_id=case.handler_department_id)
    elif case.handler_area_id:
        held = held.filter(role__in=HANDLER_ROLES[HandlerLevel(case.level)], area_id=case.handler_area_id)
    else:
        held = held.none()
    return get_user_model().objects.filter(person__in=held.values("person_id"), is_active=True)


def message_text(case: Case, event: CaseEvent) -> str:
    """What ``event`` did, in the status it moved the case to (not the case's status when the worker runs)."""
    return _("Case %(number)s (%(category)s): %(status)s") % {
        "number": case.number, "category": case.category.name, "status": event.get_to_status_display()}


def send_for_event(case_id: int, event_id: int) -> None:
    case = Case.objects.select_related("category", "handler_area", "area").get(pk=case_id)
    event = CaseEvent.objects.get(pk=event_id)
    text = message_text(case, event)
    recipients: set[int] = set()
    if event.action in TO_HANDLERS:
        recipients |= set(handler_users(case).values_list("pk", flat=True))
    if event.action in TO_REPORTER and case.reporter_id:
        recipients.add(case.reporter_id)
    recipients.discard(event.actor_id)
    Message.objects.bulk_create([Message(recipient_id=uid, case=case, text=text) for uid in sorted(recipients)])
    if event.action in WEBHOOK_EVENTS:
        from .tasks import post_webhook

        for hook in webhooks_for(case):
            post_webhook(hook.pk, payload(hook, case, text))


def webhooks_for(case: Case) -> QuerySet[Webhook]:
    """Active robots of the case's unit and every unit above it, and of its handling department."""
    q = Q(area__code__in=ancestor_codes(case.area.code))
    if case.handler_department_id:
        q |= Q(department_id=case.handler_department_id)
    return Webhook.objects.filter(q, active=True)


def payload(hook: Webhook, case: Case, text: str) -> dict:
    """WeCom and DingTalk group robots both take markdown; no personal data goes out."""
    text = markdown_text(text)  # a category or grid name is shown, never run, by the robot
    lines = [f"**{text}**", _("Grid: %(grid)s") % {"grid": markdown_text(case.area.name)}]
    if case.resolve_due:
        lines.append(_("Due: %(due)s") % {"due": f"{timezone.localtime(case.resolve_due):%Y-%m-%d %H:%M}"})
    body = "\n\n".join(lines)
    if hook.kind == Webhook.Kind.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": text, "text": body}}
    return {"msgtype": "markdown", "markdown": {"content": body}}


def post(url: str, data: dict) -> None:
    """POST JSON; raises on a network error or a non-2xx answer (or a robot's non-zero errcode)."""
    if not url.startswith(("https://", "http://")):
        raise ValueError("webhook URLs must be http(s)")
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url, data=json.dumps(data, ensure_ascii=False).encode(), headers={"Content-Type": "application/json"},
        method="POST")
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310 - scheme checked above
        body = response.read(4096)
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        return
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        raise RuntimeError(f"robot answered errcode {answer.get('errcode')}: {answer.get('errmsg')}")


def backoff_seconds(attempt: int) -> int:
    """30 s, 60 s, 120 s, 240 s, 480 s."""
    return int(30 * 2 ** attempt)
