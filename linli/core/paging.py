"""Pages by key (never OFFSET): one page of rows after a given id, and the id to continue from."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import HttpRequest
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


def page_links(qs: QuerySet, request: HttpRequest, params: dict | None = None, size: int = 30, *,
               newest_first: bool = True) -> dict:
    """A list page's rows after ``?after=`` and the links on: ``items``, ``next_url`` (or None) and
    ``first_url`` (None on the first page); ``params`` (empty values dropped) are kept in both links."""
    after = request.GET.get("after")
    items, next_key = page_by_id(qs, after, size, newest_first=newest_first)
    params = {k: v for k, v in (params or {}).items() if v not in (None, "")}
    return {"items": items, "next_url": "?" + urlencode({**params, "after": next_key}) if next_key else None,
            "first_url": ("?" + urlencode(params)) if parse_key(after) else None}


def page_by_start(qs: QuerySet, request: HttpRequest, *, upcoming: bool, params: dict, size: int = 30) -> dict:
    """Things with a ``starts_at`` (meetings, activities): coming ones soonest first, past ones newest first,
    keyset on (start, id) as ``?after=<iso>_<id>``; the same keys as ``page_links``."""
    cursor = request.GET.get("after", "")
    when, _sep, last_id = cursor.rpartition("_")
    at, last = parse_time_key(when), parse_key(last_id)
    if at is not None and last is not None:
        qs = (qs.filter(Q(starts_at__gt=at) | Q(starts_at=at, pk__gt=last)) if upcoming
              else qs.filter(Q(starts_at__lt=at) | Q(starts_at=at, pk__lt=last)))
    rows = list(qs.order_by(*(("starts_at", "pk") if upcoming else ("-starts_at", "-pk")))[: size + 1])
    items = rows[:size]
    next_url = None
    if len(rows) > size:
        tail = items[-1]
        next_url = "?" + urlencode({**params, "after": f"{tail.starts_at.isoformat()}_{tail.pk}"})
    return {"items": items, "next_url": next_url, "first_url": "?" + urlencode(params) if cursor else None}
