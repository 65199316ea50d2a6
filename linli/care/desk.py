"""The call desk: the hotline's call form with its person search, on the hotline page and on the home page of
whoever sits on hotline duty now (per the roster, swaps applied).  ``linli.home`` shows ``duty_desk``; the
form posts to ``care:call_new`` either way (same checks, same errors)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from linli.core.scope import scope_for
from linli.places.models import Area

from .forms import CallForm
from .models import HelpService
from .services import hotline

HOME = "home"  # the ``back`` value of the home page's form: call_new returns there


def services_of(area: Area) -> QuerySet[HelpService]:
    """The six-helps services a hotline may book: those offered in its street or its community."""
    return HelpService.objects.filter(active=True, area__code__in=[area.code[:9], area.code]).select_related(
        "provider")


def desk(user: Any, area: Area, areas: Sequence[Area], query: str = "", back: str = "") -> dict[str, Any]:
    """The template context of ``care/_call_form.html``: the form for ``area``, the people found by ``query``."""
    query = (query or "").strip()[:50]
    return {
        "area": area, "back": back, "q": query,
        "found": hotline.find_person(user, query, area) if query else None,
        "call_form": CallForm(areas=areas, services=list(services_of(area)), initial={"area": area.pk}),
    }


def duty_desk(user: Any, query: str = "") -> dict[str, Any] | None:
    """The call desk of the user's duty now, or None when they are not on duty.

    Only people holding a role the roster seats are asked about (one query); others cost nothing.
    """
    if not getattr(user, "person_id", None) or not scope_for(user).has_role(*hotline.DUTY_ROLES):
        return None
    slot = hotline.duty_now(user)  # sitting the roster now lets them take its calls (``may_take_calls``)
    if slot is None:
        return None
    return {**desk(user, slot.area, [slot.area], query, back=HOME), "slot": slot}
