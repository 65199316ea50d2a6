"""What cases erase when a person is anonymised on request (a ``LINLI_PERSON_HOOKS`` hook).

The cases stay, with their events, photos and figures; the caller name and callback number given with
the person's reports (or with their old mobile number) are cleared.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from linli.people.models import Person

from .models import Case


def anonymise_reporter(person: Person, old: dict[str, Any]) -> int:
    """Clear caller name and callback number of the person's cases; returns how many cases."""
    q = Q(reporter__person=person)
    if old.get("mobile"):
        q |= Q(callback_phone=old["mobile"])
    return Case.objects.filter(q).exclude(caller_name="", callback_phone="").update(caller_name="", callback_phone="")
