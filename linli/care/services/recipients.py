"""Care recipients: registering a person on the care list, risk level, emergency contacts, carers, the ledger."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import roles
from linli.core.scope import scope_for, scoped
from linli.people.models import Person, RoleAssignment

from ..models import CareCategory, CarePair, CareRecipient, EmergencyContact, Risk
from . import plans
from .access import CareError, manages, recipient_or_404

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|(0\d{2,3})?\d{7,8})$")
MAX_CONTACTS = 5


def _text(value: str, limit: int, message: str, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise CareError(message)
    if len(value) > limit:
        raise CareError(_("Keep it under %(n)d characters.") % {"n": limit})
    return value


def clean_phone(value: str, *, required: bool = True) -> str:
    value = re.sub(r"[\s-]", "", value or "")
    if not value and not required:
        return ""
    if not PHONE_RE.match(value):
        raise CareError(_("Enter an 11-digit mobile number or a landline number."))
    return value


def _categories(values) -> list[str]:
    values = list(dict.fromkeys(values or []))
    if not values:
        raise CareError(_("Choose at least one care category."))
    if any(v not in CareCategory.values for v in values):
        raise CareError(_("Unknown care category."))
    return values


def _require_manager(user, area_code: str) -> None:
    if not manages(scope_for(user), area_code):
        raise CareError(_("Only staff, care workers and grid workers over this area can do this."))


@transaction.atomic
def register(user, person: Person, *, categories, risk: str, risk_reason: str, family_doctor: str = "",
             doctor_institution: str = "", doctor_phone: str = "") -> CareRecipient:
    """Put a person (in the user's scope) on the care list; their plan's first due is made at once."""
    if not scoped(Person.objects.filter(pk=person.pk), user).exists():
        raise CareError(_("Choose a person within your area."))
    _require_manager(user, person.area.code)
    if risk not in Risk.values:
        raise CareError(_("Choose the risk level."))
    if CareRecipient.objects.filter(person=person).exists():
        raise CareError(_("%(name)s is already on the care list.") % {"name": person.name})
    recipient = CareRecipient(
        person=person, area=person.area, categories=_categories(categories), risk=risk,
        risk_reason=_text(risk_reason, 200, _("Say why this risk level."), required=True),
        family_doctor=_text(family_doctor, 50, ""), doctor_institution=_text(doctor_institution, 100, ""),
        doctor_phone=clean_phone(doctor_phone, required=False), registered_by=user)
    try:
        with transaction.atomic():
            recipient.save()
    except IntegrityError:
        raise CareError(_("%(name)s is already on the care list.") % {"name": person.name}) from None
    plans.ensure_dues(recipients=CareRecipient.objects.filter(pk=recipient.pk))
    return recipient


@transaction.atomic
def update(user, recipient: CareRecipient, *, categories, risk: str, risk_reason: str, family_doctor: str = "",
           doctor_institution: str = "", doctor_phone: str = "", active: bool = True) -> CareRecipient:
    recipient_or_404(user, recipient.pk)
    _require_manager(user, recipient.area.code)
    if risk not in Risk.values:
        raise CareError(_("Choose the risk level."))
    old_risk = recipient.risk
    recipient.categories = _categories(categories)
    recipient.risk = risk
    recipient.risk_reason = _text(risk_reason, 200, _("Say why this risk level."), required=True)
    recipient.family_doctor = _text(family_doctor, 50, "")
    recipient.doctor_institution = _text(doctor_institution, 100, "")
    recipient.doctor_phone = clean_phone(doctor_phone, required=False)
    recipient.active = active
    recipient.area = recipient.person.area
    recipient.save()
    if old_risk != risk:
        plans.change_cadence(recipient)
    return recipient


def add_contact(user, recipient: CareRecipient, *, name: str, relation: str, phone: str) -> EmergencyContact:
    recipient_or_404(user, recipient.pk)
    _require_manager(user, recipient.area.code)
    if recipient.contacts.count() >= MAX_CONTACTS:
        raise CareError(_("At most %(n)d emergency contacts.") % {"n": MAX_CONTACTS})
    return EmergencyContact.objects.create(
        recipient=recipient, name=_text(name, 50, _("Give the contact's name."), required=True),
        relation=_text(relation, 20, _("Say how they are related."), required=True), phone=clean_phone(phone),
        order=recipient.contacts.count())


def remove_contact(user, contact: EmergencyContact) -> None:
    recipient_or_404(user, contact.recipient_id)
    _require_manager(user, contact.recipient.area.code)
    contact.delete()


def may_be_carer(person: Person, recipient: CareRecipient) -> bool:
    """Volunteers, grid members and care workers of the recipient's street (a carer lives or works nearby)."""
    street = recipient.area.code[:9]
    return RoleAssignment.objects.current().filter(
        person=person, area__code__startswith=street,
        role__in=[roles.VOLUNTEER, roles.CARE_WORKER, *roles.GRID_ROLES, roles.BUILDING_HEAD,
                  roles.RED_BUILDING_HEAD, roles.ERRAND_AGENT, roles.HOTLINE_DUTY]).exists()


@transaction.atomic
def pair(user, recipient: CareRecipient, *, carer: Person | None = None, team=None,
         starts_on: dt.date | None = None) -> CarePair:
    """Pair a carer (and/or their team) with a recipient: the pair owns the recipient's visit plan."""
    recipient_or_404(user, recipient.pk)
    _require_manager(user, recipient.area.code)
    if carer is None and team is None:
        raise CareError(_("Choose a carer or a team."))
    if carer is not None:
        if carer.pk == recipient.person_id:
            raise CareError(_("A person cannot be their own carer."))
        if not may_be_carer(carer, recipient):
            raise CareError(_("The carer must be a volunteer, grid member or care worker of this street."))
        if recipient.pairs.active().filter(carer=carer).exists():
            raise CareError(_("%(name)s is already paired with this person.") % {"name": carer.name})
    if team is not None and not recipient.area.code.startswith(team.area.code[:9]):
        raise CareError(_("Choose a team of this street."))
    if team is not None and carer is not None:
        from linli.volunteering.models import TeamMembership

        if not TeamMembership.objects.filter(team=team, person=carer, status=TeamMembership.Status.MEMBER).exists():
            raise CareError(_("%(name)s is not a member of this team.") % {"name": carer.name})
    today = timezone.localdate()
    starts_on = starts_on or today
    if starts_on > today + dt.timedelta(days=31):
        raise CareError(_("A pair starts within a month from today."))
    result = CarePair.objects.create(recipient=recipient, carer=carer, team=team, starts_on=starts_on,
                                     created_by=user)
    # Open dues without an owner get this pair as their owner.
    recipient.dues.filter(pair__isnull=True, met_at__isnull=True).update(pair=result, team=team)
    return result


def end_pair(user, pair_obj: CarePair, on: dt.date | None = None) -> CarePair:
    recipient_or_404(user, pair_obj.recipient_id)
    _require_manager(user, pair_obj.recipient.area.code)
    if pair_obj.ends_on:
        raise CareError(_("This pair has already ended."))
    pair_obj.ends_on = on or timezone.localdate()
    if pair_obj.ends_on < pair_obj.starts_on:
        raise CareError(_("A pair cannot end before it started."))
    pair_obj.save(update_fields=["ends_on"])
    return pair_obj


# --- the contact ledger ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LedgerLine:
    at: dt.datetime
    kind: str
    title: str
    detail: str
    url: str | None
    key: str


LEDGER_PAGE = 50


def ledger(user, recipient: CareRecipient,
           before: dt.datetime | None = None) -> tuple[list[LedgerLine], dt.datetime | None]:
    """Every call, visit, errand and six-helps booking of the recipient, newest first (four bounded queries).

    ``before``: the time of the last line of the previous page (keyset by time).
    """
    from django.urls import reverse

    from ..models import Call, Errand, HelpBooking, Visit

    recipient_or_404(user, recipient.pk)
    limit = LEDGER_PAGE + 1
    lines: list[LedgerLine] = []

    def cut(qs, field):
        return qs.filter(**{f"{field}__lt": before}) if before else qs

    for v in cut(Visit.objects.filter(recipient=recipient), "started_at").select_related("carer").order_by(
            "-started_at", "-id")[:limit]:
        lines.append(LedgerLine(v.started_at, _("Visit"), f"{v.get_mode_display()} · {v.carer.name}",
                                v.findings or v.get_outcome_display(), reverse("care:visit_detail", args=[v.pk]),
                                f"v{v.pk}"))
    for c in cut(Call.objects.filter(person_id=recipient.person_id), "at").order_by("-at", "-id")[:limit]:
        lines.append(LedgerLine(c.at, _("Hotline call"), f"{c.get_request_type_display()} · {c.caller_name}",
                                c.notes, None, f"c{c.pk}"))
    for e in cut(Errand.objects.filter(person_id=recipient.person_id), "created_at").select_related("agent").order_by(
            "-created_at", "-id")[:limit]:
        who = f" · {e.agent.name}" if e.agent_id else ""
        lines.append(LedgerLine(e.created_at, _("Errand"), f"{e.get_kind_display()} · {e.get_status_display()}{who}",
                                e.description, reverse("care:errand_detail", args=[e.pk]), f"e{e.pk}"))
    for b in cut(HelpBooking.objects.filter(recipient=recipient), "created_at").select_related("service").order_by(
            "-created_at", "-id")[:limit]:
        lines.append(LedgerLine(b.created_at, _("Six helps"), f"{b.service.name} · {b.get_status_display()}",
                                f"{b.date:%Y-%m-%d} {b.note}", None, f"b{b.pk}"))
    lines.sort(key=lambda line: (line.at, line.key), reverse=True)
    page = lines[:LEDGER_PAGE]
    return page, (page[-1].at if len(lines) > LEDGER_PAGE else None)
