"""Pages by key (never OFFSET): one page of rows after a given id, and the id to continue from."""

from __future__ import annotations

from django.db.models import QuerySet

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
