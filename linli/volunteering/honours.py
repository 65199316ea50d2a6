"""Honours (最美新就业群体 …) and party members' pledges (承诺践诺) with dated follow-ups.

A pledge moves pledged → in progress → fulfilled or abandoned; each follow-up records the date, what
happened and the state after it, so the pledge's story is never overwritten.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.people.models import PartyRecord, PartyStage, Person

from .access import covers
from .activities import ActivityError
from .models import Honour, Pledge, PledgeFollowUp

# Where a pledge may go from each state (a follow-up in progress may stay in progress).
NEXT: dict[str, set[str]] = {
    Pledge.Status.PLEDGED: {Pledge.Status.IN_PROGRESS, Pledge.Status.FULFILLED, Pledge.Status.ABANDONED},
    Pledge.Status.IN_PROGRESS: {Pledge.Status.IN_PROGRESS, Pledge.Status.FULFILLED, Pledge.Status.ABANDONED},
    Pledge.Status.FULFILLED: set(),
    Pledge.Status.ABANDONED: set(),
}
MEMBER_STAGES = (PartyStage.PROBATIONARY, PartyStage.MEMBER)


def person_honours(person: Person, limit: int = 20) -> list[Honour]:
    """A person's honours, newest first (one query), for the person page."""
    return list(Honour.objects.filter(person=person).order_by("-awarded_on", "-id")[:limit])


def person_honours_context(person: Person) -> dict:
    """Context for ``volunteering/_person_honours.html``."""
    return {"honours": person_honours(person)}


def add_honour(user, person: Person, *, title: str, level: str, awarded_on: dt.date, awarded_by: str = "",
               citation: str = "") -> Honour:
    if not covers(user, person.area):
        raise ActivityError(_("Only staff over this person's area can record honours."))
    if level not in Honour.Level.values:
        raise ActivityError(_("Choose street, district or city level."))
    if awarded_on > timezone.localdate():
        raise ActivityError(_("An honour cannot be awarded in the future."))
    title = (title or "").strip()
    if not title:
        raise ActivityError(_("Name the honour."))
    return Honour.objects.create(person=person, title=title[:100], level=level, awarded_on=awarded_on,
                                 awarded_by=(awarded_by or "").strip()[:100], citation=(citation or "").strip(),
                                 created_by=user)


def is_party_member(person: Person) -> bool:
    return PartyRecord.objects.filter(person=person, stage__in=MEMBER_STAGES).exists()


def may_follow(user, pledge: Pledge) -> bool:
    return pledge.person_id == getattr(user, "person_id", None) or covers(user, pledge.area)


def make_pledge(user, person: Person, *, text: str, pledged_on: dt.date, due_on: dt.date | None = None) -> Pledge:
    """A party member's pledge, recorded by themselves or by staff over their area."""
    if person.pk != getattr(user, "person_id", None) and not covers(user, person.area):
        raise ActivityError(_("Only the member or staff over their area can record a pledge."))
    if not is_party_member(person):
        raise ActivityError(_("Pledges are made by party members."))
    text = (text or "").strip()
    if not text:
        raise ActivityError(_("Write what is pledged."))
    if pledged_on > timezone.localdate():
        raise ActivityError(_("A pledge cannot be dated in the future."))
    if due_on and due_on < pledged_on:
        raise ActivityError(_("The pledge cannot be due before it was made."))
    return Pledge.objects.create(person=person, area=person.area, text=text[:300], pledged_on=pledged_on,
                                 due_on=due_on, created_by=user)


@transaction.atomic
def follow_up(pledge: Pledge, user, *, date: dt.date, note: str, status: str) -> PledgeFollowUp:
    if not may_follow(user, pledge):
        raise ActivityError(_("Only the member or staff over their area can follow up a pledge."))
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if status not in NEXT.get(pledge.status, set()):
        raise ActivityError(_("A pledge that is %(now)s cannot become %(next)s.") % {
            "now": pledge.get_status_display(), "next": Pledge.Status(status).label
            if status in Pledge.Status.values else status})
    if date < pledge.pledged_on or date > timezone.localdate():
        raise ActivityError(_("A follow-up is dated between the pledge and today."))
    note = (note or "").strip()
    if not note:
        raise ActivityError(_("Write what happened."))
    item = PledgeFollowUp.objects.create(pledge=pledge, date=date, note=note[:300], status=status, by=user)
    pledge.status = status
    pledge.save(update_fields=["status"])
    return item
