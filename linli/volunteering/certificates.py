"""Volunteer service certificates (志愿服务证明) for a period.

Following the MCA rules (志愿服务记录与证明出具办法, 2021), the organisation that organised and recorded
the service certifies it: a certificate covers the volunteer's confirmed records hosted under the issuing
unit in the period, with their total hours and content.  Its number (``ZY`` + issue date + 6 random
digits) is unique and can be looked up by staff to verify it.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.people.models import Person
from linli.places.models import Area, code_range

from .access import covers
from .activities import ActivityError
from .models import Certificate, ServiceRecord

MAX_PERIOD_DAYS = 366 * 5


def records_for(person: Person, area: Area, date_from: dt.date, date_to: dt.date) -> QuerySet:
    """Confirmed records of ``person`` hosted under ``area`` whose service started in the period."""
    low, high = code_range(area.code)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return ServiceRecord.objects.filter(volunteer=person, status=ServiceRecord.Status.CONFIRMED,
                                        area__code__gte=low, area__code__lt=high,
                                        started_at__gte=start, started_at__lt=end)


def _number(today: dt.date) -> str:
    return f"ZY{today:%Y%m%d}{secrets.randbelow(1_000_000):06d}"


@transaction.atomic
def issue(person: Person, area: Area, date_from: dt.date, date_to: dt.date, user, issuer_name: str = ""
          ) -> Certificate:
    """Issue a certificate of ``person``'s confirmed service under ``area`` between the two dates."""
    if not covers(user, area):
        raise ActivityError(_("Only staff over the issuing unit can issue its certificates."))
    if date_to < date_from:
        raise ActivityError(_("The period ends before it starts."))
    if date_to > timezone.localdate():
        raise ActivityError(_("The period cannot end in the future."))
    if (date_to - date_from).days > MAX_PERIOD_DAYS:
        raise ActivityError(_("A certificate covers at most five years."))
    records = list(records_for(person, area, date_from, date_to).values_list("pk", "minutes"))
    total = sum(m for _pk, m in records)
    if not records or not total:
        raise ActivityError(_("No confirmed service hours of this volunteer in this period."))
    issuer_name = (issuer_name or "").strip()[:100] or area.name
    today = timezone.localdate()
    for _attempt in range(10):
        try:
            with transaction.atomic():
                cert = Certificate.objects.create(
                    number=_number(today), volunteer=person, area=area, issuer_name=issuer_name,
                    period_from=date_from, period_to=date_to, total_minutes=total, issued_by=user)
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - a million numbers a day
        raise ActivityError(_("Could not number the certificate; please try again."))
    cert.records.set([pk for pk, _m in records])
    return cert


def total_minutes(person: Person, area: Area, date_from: dt.date, date_to: dt.date) -> int:
    return records_for(person, area, date_from, date_to).aggregate(n=Coalesce(Sum("minutes"), 0))["n"]
