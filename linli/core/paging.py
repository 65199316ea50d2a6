"""Pages by key (never OFFSET): one page of rows after a given id, and the id to continue from."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

MAX_KEY = 2**62


def parse_key(raw: str | None) -> int | None:
    """A page key from the query string, or None when it is missing or not a sane positive id."""
    if not raw or not (raw.isascii() and raw.isdigit()) or len(raw) > 19:
        return None
    key = int(raw)
    return key if 0 < key < MAX_KEY else None


def page_by_id(qs: QuerySet, raw_key: str | None, size: int, *, newest_first: bool = True) -> tuple[list, int | None]:
    """Rows after ``raw_key`` (smaller ids when ``newest_first``), at most ``size``, and the next key or None."""
    key = parse_key(raw_key)
    if key is not None:
        qs = qs.filter(pk__lt=key) if newest_first else qs.filter(pk__gt=key)
    rows = list(qs.order_by("-pk" if newest_first else "pk")[: size + 1])
    return rows[:size], (rows[size - 1].pk if len(rows) > size else None)


def parse_time_key(raw: str | None) -> dt.datetime | None:
    """A time from a keyset cursor (``?after=<iso>_<id>``), aware, or None when it is missing, malformed, typed
    with other digits than 0–9, or outside the years 2000–2100 (year 1 would overflow converting to UTC)."""
    if not raw or not raw.isascii():
        return None
    try:
        at = parse_datetime(raw)
    except ValueError:  # well formed but not a real time
        return None
    if at is None or not 2000 <= at.year <= 2100:
        return None
    return timezone.make_aware(at) if timezone.is_naive(at) else at
