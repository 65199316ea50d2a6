"""Open311 GeoReport v2 on top of the cases loop: services, requests, tokens, keys.

Requests filed here enter the same loop as any other channel (channel "open311", the key's name
recorded as the channel reference).  Nothing here ever returns a reporter's personal data.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from linli.cases.forms import validate_callback_phone
from linli.cases.models import Case, CaseEvent, CasePhoto, Category, Status
from linli.cases.queries import GEOJSON_DECIMALS
from linli.cases.services import CaseError, PreparedCase, file_case, prepare_case, store_case
from linli.core.counters import bump_batched
from linli.core.keys import MAX_KEY_LENGTH, hash_key
from linli.core.prepared import Prepared, PreparedCache
from linli.core.scope import Scope
from linli.core.writelock import serialised
from linli.places.models import Area, AreaLevel

from . import catalogue
from .models import ApiKey, Datatype, Open311Request, StreetOpen311Settings

DEFAULT_WINDOW_DAYS = 90
MAX_REQUESTS = 1000
CLOSED = (Status.CLOSED, Status.REJECTED)


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status, self.description = status, description


# --- services ---------------------------------------------------------------------------------

def service_categories() -> QuerySet:
    return (Category.objects.filter(active=True, parent__isnull=False).select_related("parent")
            .prefetch_related("attributes").order_by("order", "code"))


def service_dict(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or category.name,
        "metadata": bool(category.attributes.all()),
        "type": "realtime",
        "keywords": category.parent.name,
        "group": category.parent.name,
    }


def service_definition(code: str) -> dict:
    category = service_categories().filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("No service with code %(code)s.") % {"code": code})
    return {"service_code": category.code, "attributes": [
        {"variable": a.variable, "code": a.code, "datatype": a.datatype, "required": a.required,
         **({"datatype_description": a.datatype_description} if a.datatype_description else {}),
         "order": a.order, "description": a.description,
         **({"values": [{"key": str(v.get("key")), "name": str(v.get("name"))} for v in a.values]}
            if a.datatype in (Datatype.SINGLE, Datatype.MULTI) else {})}
        for a in category.attributes.all()
    ]}


# --- reading requests -------------------------------------------------------------------------

DEFAULT_PAGE_SIZE = 100
PAGE_SIZE_CHOICES = range(1, MAX_REQUESTS + 1)
STAFF_NOTE_ACTIONS = ("accept", "reject", "dispatch", "resolve", "verify", "close", "return", "escalate")
# The columns ``RequestPresenter`` reads: one query for a whole page, no model instances.
REQUEST_COLUMNS = (
    "pk", "number", "status", "description", "address", "lat", "lng", "created_at", "updated_at", "closed_at",
    "accept_due", "resolve_due", "category__name", "category__code", "area__name", "area__code",
    "handler_area__name", "handler_department__name",
)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_PHOTO_STORAGE = CasePhoto._meta.get_field("image").storage


def request_rows(qs: QuerySet, *, with_notes: bool) -> QuerySet:
    """``qs`` as rows of ``REQUEST_COLUMNS`` plus the first public photo (and the last staff note), one query."""
    photo = (CasePhoto.objects.filter(case=OuterRef("pk"), public_approved=True, hidden=False)
             .order_by("id").values("image")[:1])
    annotations: dict = {"photo": Subquery(photo)}
    if with_notes:
        annotations["staff_note"] = Subquery(
            CaseEvent.objects.filter(case=OuterRef("pk"), action__in=STAFF_NOTE_ACTIONS).exclude(note="")
            .order_by("-id").values("note")[:1])
    return qs.annotate(**annotations).values(*REQUEST_COLUMNS, *annotations)


class RequestPresenter:
    """Rows of ``request_rows`` as GeoReport requests: status open/closed, agency, dates, no reporter data.

    A key whose area covers a case sees the description, the staff's last note, the address and the
    coordinates as filed.  Anyone else gets what the public map shows: the grid for an address, the
    coordinates to ``GEOJSON_DECIMALS`` places (about 11 m), the status for notes.  The labels and the
    time zone are looked up once per answer, not once per row."""

    def __init__(self, key: ApiKey | None, build_url):
        self.scope = Scope(area_codes=(key.area.code,)) if key is not None else None
        self.build_url = build_url
        self.labels = {value: str(label) for value, label in Status.choices}
        self.tz = timezone.get_current_timezone()
        self.offsets: dict[int, dt.timezone] = {}

    def full(self, row: Mapping) -> bool:
        return self.scope is not None and self.scope.covers_code(row["area__code"])

    def _iso(self, value: dt.datetime | None) -> str | None:
        """``value`` (aware) in local time as ISO 8601.  The zone's offset is looked up once per quarter
        hour (every zone changes its offset on a quarter hour of UTC time) and kept as a fixed-offset zone,
        which converts and formats several times faster than the named zone."""
        if not value:
            return None
        quarter = int(value.timestamp()) // 900
        fixed = self.offsets.get(quarter)
        if fixed is None:
            fixed = self.offsets[quarter] = dt.timezone(value.astimezone(self.tz).utcoffset() or dt.timedelta())
        return value.astimezone(fixed).isoformat(timespec="seconds")

    def __call__(self, row: Mapping) -> dict:
        full = self.full(row)
        closed = row["status"] in CLOSED
        decimals = 6 if full else GEOJSON_DECIMALS
        lat, lng = row["lat"], row["lng"]
        updated = row["closed_at"] if closed and row["closed_at"] else row["updated_at"]
        return _present({
            "service_request_id": row["number"],
            "status": "closed" if closed else "open",
            "status_notes": (row.get("staff_note") if full else None) or self.labels.get(row["status"], row["status"]),
            "service_name": row["category__name"],
            "service_code": row["category__code"],
            "description": row["description"] if full else None,
            "agency_responsible": row["handler_department__name"] or row["handler_area__name"],
            "service_notice": None,
            "requested_datetime": self._iso(row["created_at"]),
            "updated_datetime": self._iso(updated),
            "expected_datetime": self._iso(row["resolve_due"] or row["accept_due"]),
            "address": (row["address"] or row["area__name"]) if full else row["area__name"],
            "address_id": None,
            "zipcode": None,
            "lat": round(lat, decimals) if lat is not None else None,
            "long": round(lng, decimals) if lng is not None else None,
            "media_url": self.build_url(_PHOTO_STORAGE.url(row["photo"])) if row["photo"] else None,
        })


def _present(fields: dict) -> dict:
    """Leave out empty optional fields: the JSON Schemas allow null, the Swagger file only absence."""
    return {key: value for key, value in fields.items() if value is not None}


def _parse_date(value: str, name: str) -> dt.datetime:
    parsed = None
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            parsed = dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
    except ValueError:
        parsed = None
    if parsed is None:
        raise Open311Error(400, _("%(name)s is not a W3C date-time, e.g. 2026-11-01T00:00:00+08:00.") % {
            "name": name})
    if not 1970 <= parsed.year <= 2100:
        raise Open311Error(400, _("%(name)s must lie between 1970 and 2100.") % {"name": name})
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()][:MAX_REQUESTS]


def page_token(row: Mapping) -> str:
    """Where the next page starts: the last row's time (microseconds since 1970) and id."""
    micros = (row["created_at"] - _EPOCH) // dt.timedelta(microseconds=1)
    return f"{micros}-{row['pk']}"


def _parse_page_token(raw: str) -> tuple[dt.datetime, int]:
    micros, _sep, pk = raw.partition("-")
    if not (micros.isascii() and micros.isdigit() and pk.isascii() and pk.isdigit()
            and len(micros) <= 17 and 0 < len(pk) <= 18):
        raise Open311Error(400, _("page is not a page token from a Link header of this service."))
    return _EPOCH + dt.timedelta(microseconds=int(micros)), int(pk)


def _page_size(raw: str | None) -> int:
    if raw in (None, ""):
        return DEFAULT_PAGE_SIZE
    if not (raw.isascii() and raw.isdigit()) or int(raw) not in PAGE_SIZE_CHOICES:
        raise Open311Error(400, _("page_size is a whole number from 1 to %(n)d.") % {"n": MAX_REQUESTS})
    return int(raw)


@dataclass
class Page:
    rows: list[dict]
    next_token: str | None


_PREPARED = PreparedCache()
_DATETIMES = ("created_at", "updated_at", "closed_at", "accept_due", "resolve_due")
# Stand-ins the prepared queries are compiled with (values no real call sends).
_MARK_START, _MARK_END, _MARK_AFTER = (dt.datetime(1971, 1, 1, 0, 0, 0, i, tzinfo=dt.UTC) for i in (1, 2, 3))
_MARK_PK = -987_654_321


def _mark_list(name: str, n: int) -> list[str]:
    return [f"\x00{name}{i}" for i in range(n)]


def _ids_query(*, with_notes: bool, numbers: list[str]) -> QuerySet:
    return request_rows(Case.objects.filter(public_hidden=False, number__in=numbers).order_by("-created_at", "-id"),
                        with_notes=with_notes)[:MAX_REQUESTS]


def _page_query(*, with_notes: bool, size: int, paged: bool, status: str, start: dt.datetime, end: dt.datetime,
                codes: list[str], after: dt.datetime | None = None, after_pk: int | None = None) -> QuerySet:
    qs = Case.objects.filter(public_hidden=False, created_at__gte=start, created_at__lte=end)
    if paged:
        qs = qs.filter(created_at__lte=after).exclude(created_at=after, pk__gte=after_pk)
    if codes:
        qs = qs.filter(category__code__in=codes)
    if status == "open":
        qs = qs.exclude(status__in=CLOSED)
    elif status == "closed":
        qs = qs.filter(status__in=CLOSED)
    qs = qs.order_by("-created_at", "-id")
    if status != "closed" and not codes:  # the created_at index gives the order: SQLite stops at the page's end
        return request_rows(qs, with_notes=with_notes)[: size + 1]
    # Two statuses or codes: the order needs a sort.  The page's ids first, sorted on the indexed columns only;
    # then the rows, their joins and their photo and note subqueries for those ids.  In one query SQLite
    # computes every selected column (two correlated subqueries, four joins) for each case of the window
    # before it sorts and cuts the page (20,000 cases, half closed: 193 ms, now 12 ms).
    page = qs.values("pk")[: size + 1]
    return request_rows(Case.objects.filter(pk__in=page).order_by("-created_at", "-id"), with_notes=with_notes)


def find_requests(params: Mapping[str, str], *, with_notes: bool = False, now: dt.datetime | None = None) -> Page:
    """One page of the cases a GET requests call asks for, newest first, public ones only.

    The spec's window (``start_date``/``end_date``, 90 days by default), cut into pages of ``page_size``
    (100 by default, at most the spec's 1,000) in keyset order (reported time, then id, descending):
    ``page`` is the token of the ``Link: rel="next"`` header of the page before.  ``service_request_id``
    ignores the other parameters (the spec) and answers up to 1,000 requests at once.  The SQL of each
    shape of call is compiled once per process (``linli.core.prepared``)."""
    now = now or timezone.now()
    if ids := params.get("service_request_id"):
        numbers = list(dict.fromkeys(_split(ids)))
        prepared = _PREPARED.get(("ids", with_notes, len(numbers)), lambda: Prepared(
            partial(_ids_query, with_notes=with_notes), {"numbers": _mark_list("n", len(numbers))}, _DATETIMES))
        return Page(prepared.rows(numbers=numbers), None)
    size = _page_size(params.get("page_size"))
    end = _parse_date(params["end_date"], "end_date") if params.get("end_date") else now
    start = (_parse_date(params["start_date"], "start_date") if params.get("start_date")
             else end - dt.timedelta(days=DEFAULT_WINDOW_DAYS))
    if start > end:
        raise Open311Error(400, _("start_date is after end_date."))
    values: dict = {"start": start, "end": end}
    markers: dict = {"start": _MARK_START, "end": _MARK_END}
    if raw_token := params.get("page"):
        values["after"], values["after_pk"] = _parse_page_token(raw_token)
        markers.update(after=_MARK_AFTER, after_pk=_MARK_PK)
    values["codes"] = list(dict.fromkeys(_split(params.get("service_code") or "")))
    markers["codes"] = _mark_list("c", len(values["codes"]))
    status = "all"
    if raw_status := params.get("status"):
        wanted = set(_split(raw_status.lower()))
        if not wanted <= {"open", "closed"}:
            raise Open311Error(400, _("status is open, closed or both (comma separated)."))
        status = wanted.pop() if len(wanted) == 1 else "all"
    shape = {"with_notes": with_notes, "size": size, "paged": bool(raw_token), "status": status}
    prepared = _PREPARED.get(("page", *shape.values(), len(values["codes"])), lambda: Prepared(
        partial(_page_query, **shape), markers, _DATETIMES))
    rows = prepared.rows(**values)
    return Page(rows[:size], page_token(rows[size - 1]) if len(rows) > size else None)


def _one_query(*, with_notes: bool, number: str) -> QuerySet:
    return request_rows(Case.objects.filter(number=number, public_hidden=False), with_notes=with_notes)[:1]


def get_request(number: str, *, with_notes: bool = False) -> dict:
    prepared = _PREPARED.get(("one", with_notes), lambda: Prepared(
        partial(_one_query, with_notes=with_notes), {"number": "\x00number"}, _DATETIMES))
    found = prepared.rows(number=number)
    if not found:
        raise Open311Error(404, _("No service request %(id)s.") % {"id": number})
    return found[0]


# --- creating requests ------------------------------------------------------------------------

@dataclass
class Submitted:
    request: Open311Request
    case: Case | None


LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def api_key(raw: str) -> ApiKey | None:
    """The active key ``raw`` with its area, or None: read once per process and catalogue version
    (``catalogue.kept``).  Creating, changing or revoking a key moves that version (``apps.py``), so every
    process refuses a revoked key within ``catalogue.RECHECK_SECONDS``, this one at once."""
    if not raw or len(raw) > MAX_KEY_LENGTH:
        return None
    return catalogue.kept(("api_key", hash_key(raw)), lambda: ApiKey.objects.select_related("area").for_raw(raw))


def authenticate(key: ApiKey | None) -> ApiKey:
    """The key a write needs (looked up once per call, by the view); ``last_used_at`` is kept to five
    minutes, so that a busy client does not add a write of its key's row to every report."""
    if key is None:
        raise Open311Error(403, _("A valid api_key is required."))
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def _float(params: Mapping[str, str], name: str) -> float | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise Open311Error(400, _("%(name)s must be a number.") % {"name": name}) from None
    if not math.isfinite(value):
        raise Open311Error(400, _("%(name)s must be a number.") % {"name": name})
    return value


def _text(params: Mapping[str, str], name: str, limit: int) -> str:
    value = (params.get(name) or "").strip()
    if len(value) > limit:
        raise Open311Error(400, _("%(name)s is longer than %(n)d characters.") % {"name": name, "n": limit})
    return value


def _attributes(category: Category, answers: Mapping[str, list[str]]) -> dict:
    result: dict = {}
    known = {a.code: a for a in category.attributes.all()}
    for code in answers:
        if code not in known:
            raise Open311Error(400, _("Unknown attribute %(code)s for this service.") % {"code": code[:40]})
    for code, attr in known.items():
        values = [v for v in answers.get(code, []) if v != ""]
        if not values:
            if attr.required and attr.variable:
                raise Open311Error(400, _("Attribute %(code)s is required.") % {"code": code})
            continue
        keys = {str(v.get("key")) for v in attr.values}
        if attr.datatype == Datatype.NUMBER:
            try:
                number = float(values[0])
            except ValueError:
                raise Open311Error(400, _("Attribute %(code)s must be a number.") % {"code": code}) from None
            if not math.isfinite(number):
                raise Open311Error(400, _("Attribute %(code)s must be a number.") % {"code": code})
            result[code] = number
        elif attr.datatype == Datatype.DATETIME:
            result[code] = _parse_date(values[0], f"attribute[{code}]").isoformat()
        elif attr.datatype == Datatype.SINGLE:
            if values[0] not in keys:
                raise Open311Error(400, _("Attribute %(code)s: choose one of the listed keys.") % {"code": code})
            result[code] = values[0]
        elif attr.datatype == Datatype.MULTI:
            if not set(values) <= keys:
                raise Open311Error(400, _("Attribute %(code)s: choose among the listed keys.") % {"code": code})
            result[code] = sorted(set(values))
        else:
            limit = 200 if attr.datatype == Datatype.STRING else 2000
            if len(values[0]) > limit:
                raise Open311Error(400, _("Attribute %(code)s is too long.") % {"code": code})
            result[code] = values[0]
    return result


CLIENT_KEY_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def _repeat(key: ApiKey, client_key: str) -> Submitted | None:
    first = Open311Request.objects.filter(api_key=key, client_key=client_key).select_related("case").first()
    return Submitted(first, first.case) if first is not None else None


def submit(key: ApiKey, params: Mapping[str, str], attributes: Mapping[str, list[str]],
           client_key: str = "") -> Submitted:
    """Check and store one report (and file it as a case unless its street reviews reports first).

    With ``client_key``, a repeat from the same API key returns what the first call stored."""
    client_key = (client_key or "").strip()
    if client_key:
        if not CLIENT_KEY_RE.match(client_key):
            raise Open311Error(400, _("The idempotency key has 1 to 64 letters, digits or ._:- characters."))
        if (first := _repeat(key, client_key)) is not None:
            return first
    return _submit(key, params, attributes, client_key)


def _submit(key: ApiKey, params: Mapping[str, str], attributes: Mapping[str, list[str]],
            client_key: str) -> Submitted:
    """File a POSTed request (or hold it for review when its street asks for that)."""
    code = (params.get("service_code") or "").strip()
    category = catalogue.kept(("category", code), lambda: service_categories().select_related("department")
                              .filter(code=code).first()) if code else None
    if category is None:
        raise Open311Error(400, _("service_code is missing or unknown."))
    lat, lng = _float(params, "lat"), _float(params, "long")
    address = _text(params, "address_string", 200)
    if (lat is None) != (lng is None):
        raise Open311Error(400, _("Give both lat and long, or neither."))
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise Open311Error(400, _("lat/long are outside WGS-84 ranges."))
    if lat is None and not address:
        raise Open311Error(400, _("A location is required: lat and long, or address_string."))
    description = _text(params, "description", Case._meta.get_field("description").max_length)
    media_url = _text(params, "media_url", 500)
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise Open311Error(400, _("media_url is not an http(s) URL.")) from None
    phone = _text(params, "phone", 20)
    if phone:
        try:
            phone = validate_callback_phone(phone)
        except ValidationError as exc:
            raise Open311Error(400, _("phone: %(error)s") % {"error": " ".join(exc.messages)}) from None
    email = _text(params, "email", 254)
    if email:  # checked, not kept: Linli calls back by phone only
        try:
            validate_email(email)
        except ValidationError:
            raise Open311Error(400, _("email is not a valid e-mail address.")) from None
    name = " ".join(filter(None, [_text(params, "first_name", 25), _text(params, "last_name", 25)]))
    name_max = Case._meta.get_field("caller_name").max_length
    if len(name) > name_max:
        raise Open311Error(400, _("first_name and last_name together are longer than %(n)d characters.")
                           % {"n": name_max})
    answers = _attributes(category, attributes)

    area = key.area
    if lat is not None:
        from linli.places.geo import locate

        grid = locate(lat, lng)
        if grid is None or not grid.code.startswith(key.area.code):
            raise Open311Error(400, _("This location is outside the area this API key serves."))
        area = grid
    street = area.ancestor(AreaLevel.STREET)
    if street is None:
        raise Open311Error(400, _("With only address_string, the API key must belong to a street or below."))

    data = {"service_code": code, "lat": lat, "long": lng, "address_string": address,
            "description": description, "name": name, "phone": phone, "area": area.code}
    request = Open311Request(token=uuid.uuid4(), api_key=key, data=data, attributes=answers, media_url=media_url,
                             client_key=client_key)
    review = catalogue.kept(("review", street.pk), lambda: StreetOpen311Settings.objects.filter(
        street=street, review_before_filing=True).exists())
    prepared = None if review else _prepare_case(request, category=category, area=area)
    try:
        # Prepared above (checks, locating, routing, deadlines: reads only); here only the writes, in one short
        # transaction: the case (number, row, event), then this request.  It begins IMMEDIATE (the database
        # settings), so on SQLite the write lock is held for the writes alone.  The writers of every process
        # queue for it here, woken at once, rather than in SQLite's busy handler, which sleeps up to 100 ms
        # between tries.  The notifications go to the worker once it commits (``cases.notify``).
        with serialised(), transaction.atomic():
            case = None
            if prepared is not None:
                case = request.case = store_case(prepared)
            request.save()
    except IntegrityError:
        if client_key and (first := _repeat(key, client_key)) is not None:
            return first  # the same key arrived twice at once: the other call stored it
        raise
    return Submitted(request, case)


def _case_fields(request: Open311Request, category: Category, area: Area, user=None) -> dict[str, Any]:
    """What a request files as a case: ``prepare_case``'s and ``file_case``'s keyword arguments."""
    data = request.data
    return dict(category=category, channel="open311", channel_ref=request.api_key.name,
                description=data["description"] or category.name, reporter=user, lat=data["lat"],
                lng=data["long"], area=area, address=data["address_string"], caller_name=data["name"],
                callback_phone=data["phone"], client_token=f"open311:{request.token}")


def _prepare_case(request: Open311Request, *, category: Category, area: Area) -> PreparedCase:
    try:
        return prepare_case(**_case_fields(request, category, area), token_is_new=True)
    except CaseError as exc:
        raise Open311Error(400, " ".join(exc.messages)) from None


def file_request(request: Open311Request, user=None) -> Case:
    """Turn a request that was held for review into a case when staff accept it (a second accept returns the
    same case).  ``submit`` files the others itself, through ``prepare_case`` and ``store_case``."""
    data = request.data
    category = Category.objects.get(code=data["service_code"])
    try:
        case = file_case(**_case_fields(request, category, Area.objects.get(code=data["area"]), user))
    except CaseError as exc:
        raise Open311Error(400, " ".join(exc.messages)) from None
    request.case = case
    request.save(update_fields=["case"])
    return case


# --- rate limits -----------------------------------------------------------------------------

def rate_limited(bucket: str, ident: str, limit: int, per_seconds: int = 60) -> bool:
    """A fixed-window counter in the shared cache, sent there in batches (``bump_batched``); True when
    this call is over the limit."""
    window = int(time.time() // per_seconds)
    count = bump_batched(f"open311:{bucket}:{ident}:{window}", per_seconds + 5, limit)
    return count > limit
