"""微孝义诊/家访/课堂: volunteering activities held with partner units (the health centre) and departments
(the police station).  The activity stays the volunteering app's (time, place, sign-ups, hours, person-times);
care records the kind of outreach and who ran it with the community, and counts sessions and person-times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.scope import scope_for, scoped
from linli.places.models import LEVEL_LENGTH, AreaLevel, Department, PartnerUnit
from linli.volunteering.models import Activity

from ..models import Outreach
from .access import CareError, manages

DISTRICT_LENGTH = LEVEL_LENGTH[AreaLevel.DISTRICT]
LINK_WITHIN_DAYS = 400  # activities of about the past year (and all planned ones) can be recorded


@dataclass(frozen=True)
class OutreachTotal:
    kind: str
    label: str
    sessions: int
    person_times: int


def _district_q(user, code_field: str) -> Q:
    """Rows in the districts of the user's areas (partners and departments serve across a district)."""
    scope = scope_for(user)
    if scope.everything:
        return Q()
    q = Q(pk__in=[])
    for code in {c[:DISTRICT_LENGTH] for c in scope.area_codes}:
        q |= Q(**{f"{code_field}__startswith": code})
    return q


def linkable_activities(user) -> QuerySet[Activity]:
    """Activities in the user's own areas, not cancelled and not yet recorded as outreach."""
    scope = scope_for(user)
    since = timezone.now() - dt.timedelta(days=LINK_WITHIN_DAYS)
    qs = Activity.objects.filter(cancelled=False, care_outreach__isnull=True, starts_at__gte=since)
    return (qs if scope.everything else qs.filter(scope.area_q("area__code"))).order_by("-starts_at", "-id")


def partners_for(user) -> QuerySet[PartnerUnit]:
    return PartnerUnit.objects.filter(_district_q(user, "area__code")).order_by("kind", "name")


def departments_for(user) -> QuerySet[Department]:
    return Department.objects.filter(_district_q(user, "area__code")).order_by("kind", "name")


def visible(user) -> QuerySet[Outreach]:
    return scoped(Outreach.objects.all(), user)


@transaction.atomic
def record(user, activity: Activity, *, kind: str, partners: Iterable[PartnerUnit] = (),
           departments: Iterable[Department] = ()) -> Outreach:
    """Record an activity as a 微孝 outreach held with ``partners`` and ``departments`` (at least one)."""
    partners, departments = list(partners), list(departments)
    code = activity.area.code
    if not manages(scope_for(user), code):
        raise CareError(_("Only staff, care and grid workers over the activity's area record outreach."))
    if kind not in Outreach.Kind.values:
        raise CareError(_("Choose a free clinic, home visits or a class."))
    if activity.cancelled:
        raise CareError(_("This activity was cancelled."))
    if Outreach.objects.filter(activity=activity).exists():
        raise CareError(_("This activity is already recorded as outreach."))
    if not partners and not departments:
        raise CareError(_("Name the partner unit or the department that ran it with the community."))
    district = code[:DISTRICT_LENGTH]
    others: list[PartnerUnit | Department] = [*partners, *departments]
    for other in others:
        if not other.area.code.startswith(district):
            raise CareError(_("%(name)s is not in the activity's district.") % {"name": other.name})
    outreach = Outreach.objects.create(activity=activity, kind=kind, created_by=user)
    outreach.partners.set(partners)
    outreach.departments.set(departments)
    return outreach


def totals(qs: QuerySet[Outreach]) -> list[OutreachTotal]:
    """Sessions and person-times per kind (one query); every kind, zero where none."""
    rows: dict[str, tuple[int, int]] = {
        r["kind"]: (r["n"], r["people"] or 0)
        for r in qs.order_by().values("kind").annotate(n=Count("id"), people=Sum("activity__participants"))}
    return [OutreachTotal(kind, str(label), *rows.get(kind, (0, 0))) for kind, label in Outreach.Kind.choices]
