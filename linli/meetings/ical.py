"""Calendar feeds (RFC 5545, with ``icalendar``): one per series, one per user behind a secret URL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from .models import Meeting, MeetingStatus

FEED_PAST_DAYS = 60
FEED_AHEAD_DAYS = 400
FEED_MAX = 500


def feed_window(qs):
    now = timezone.now()
    return (qs.filter(starts_at__gte=now - dt.timedelta(days=FEED_PAST_DAYS),
                      starts_at__lte=now + dt.timedelta(days=FEED_AHEAD_DAYS))
            .select_related("series").order_by("starts_at", "pk")[:FEED_MAX])


def calendar(meetings: Iterable[Meeting], name: str, host: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Linli//meetings//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    stamp = timezone.now()
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at)
        event.add("summary", meeting.title)
        event.add("location", meeting.place)
        if meeting.status == MeetingStatus.CANCELLED:
            event.add("status", "CANCELLED")
            event.add("description", meeting.cancelled_reason)
        else:
            event.add("status", "CONFIRMED")
            if meeting.moved_reason:
                event.add("description", meeting.moved_reason)
        cal.add_component(event)
    return cal.to_ical()
