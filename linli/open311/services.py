"""Open311 GeoReport v2 on top of the cases loop: services, requests, tokens, keys.

Requests filed here enter the same loop as any other channel (channel "open311", the key's name
recorded as the channel reference).  Nothing here ever returns a reporter's personal data.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from linli.cases.intake import validate_callback_phone
from linli.cases.models import Case, CasePhoto, Category, Status
from linli.cases.queries import GEOJSON_DECIMALS
from linli.cases.services import CaseError, file_case
from linli.core.counters import bump
from linli.core.scope import Scope
from linli.places.models import Area, AreaLevel

from .models import ApiKey, Datatype, Open311Request, StreetOpen311Settings

DEFAULT_WINDOW_DAYS = 90
MAX_REQUESTS = 1000
CLOSED = (Status.CLOSED, Status.REJECTED)


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status, self.description = status, description


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


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

def _public_photo_url(case: Case, build_url) -> str | None:
    for photo in case.public_photos:
        return build_url(photo.image.url)
    return None


def request_dict(case: Case, *, build_url, full: bool) -> dict:
    """One case as a GeoReport request: status open/closed, agency, dates, no reporter data.

    ``full`` (a key whose area covers the case): the description, the staff's last note, the address and
    the coordinates as filed.  Anyone else gets what the public map shows: the grid for an address, the
    coordinates to ``GEOJSON_DECIMALS`` places (about 11 m), the status for notes."""
    closed = case.status in CLOSED
    notes = getattr(case, "last_notes", None) if full else None
    decimals = 6 if full else GEOJSON_DECIMALS
    agency = case.handler_department.name if case.handler_department_id else (
        case.handler_area.name if case.handler_area_id else None)
    due = case.resolve_due or case.accept_due
    return _present({
        "service_request_id": case.number,
        "status": "closed" if closed else "open",
        "status_notes": notes or case.get_status_display(),
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": case.description if full else None,
        "agency_responsible": agency,
        "service_notice": None,
        "requested_datetime": _iso(case.created_at),
        "updated_datetime": _iso(case.closed_at if closed and case.closed_at else case.updated_at),
        "expected_datetime": _iso(due),
        "address": (case.address or case.area.name) if full else case.area.name,
        "address_id": None,
        "zipcode": None,
        "lat": round(case.lat, decimals) if case.lat is not None else None,
        "long": round(case.lng, decimals) if case.lng is not None else None,
        "media_url": _public_photo_url(case, build_url),
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


def find_requests(params: Mapping[str, str], *, now: dt.datetime | None = None) -> QuerySet:
    """The cases a GET requests call asks for, newest first, at most 1,000, public ones only."""
    now = now or timezone.now()
    qs = Case.objects.filter(public_hidden=False)
    if ids := params.get("service_request_id"):
        qs = qs.filter(number__in=_split(ids))  # the spec: other parameters are ignored
    else:
        end = _parse_date(params["end_date"], "end_date") if params.get("end_date") else now
        start = (_parse_date(params["start_date"], "start_date") if params.get("start_date")
                 else end - dt.timedelta(days=DEFAULT_WINDOW_DAYS))
        if start > end:
            raise Open311Error(400, _("start_date is after end_date."))
        qs = qs.filter(created_at__gte=start, created_at__lte=end)
        if codes := params.get("service_code"):
            qs = qs.filter(category__code__in=_split(codes))
        if status := params.get("status"):
            wanted = set(_split(status.lower()))
            if not wanted <= {"open", "closed"}:
                raise Open311Error(400, _("status is open, closed or both (comma separated)."))
            if wanted == {"open"}:
                qs = qs.exclude(status__in=CLOSED)
            elif wanted == {"closed"}:
                qs = qs.filter(status__in=CLOSED)
    return with_request_fields(qs.order_by("-created_at", "-id"))[:MAX_REQUESTS]


def with_request_fields(qs: QuerySet) -> QuerySet:
    """Everything ``request_dict`` reads, in a fixed number of queries."""
    photos = CasePhoto.objects.filter(public_approved=True, hidden=False).order_by("id")
    return qs.select_related("category", "area", "handler_area", "handler_department").prefetch_related(
        Prefetch("photos", queryset=photos, to_attr="public_photos"))


def get_request(number: str) -> Case:
    case = with_request_fields(Case.objects.filter(number=number, public_hidden=False)).first()
    if case is None:
        raise Open311Error(404, _("No service request %(id)s.") % {"id": number})
    return case


def can_see_description(key: ApiKey | None, case: Case) -> bool:
    return key is not None and Scope(area_codes=(key.area.code,)).covers_code(case.area.code)


# --- creating requests ------------------------------------------------------------------------

@dataclass
class Submitted:
    request: Open311Request
    case: Case | None


def authenticate(raw: str | None) -> ApiKey:
    key = ApiKey.objects.select_related("area").for_raw(raw or "")
    if key is None:
        raise Open311Error(403, _("A valid api_key is required."))
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
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
    category = service_categories().filter(code=code).first() if code else None
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
    review = StreetOpen311Settings.objects.filter(street=street, review_before_filing=True).exists()
    try:
        with transaction.atomic():
            request.save()
            case = None if review else file_request(request)
    except IntegrityError:
        if client_key and (first := _repeat(key, client_key)) is not None:
            return first  # the same key arrived twice at once: the other call stored it
        raise
    return Submitted(request, case)


def file_request(request: Open311Request, user=None) -> Case:
    """Turn a stored Open311 request into a case (at once, or when staff accept it in review)."""
    data = request.data
    category = Category.objects.get(code=data["service_code"])
    try:
        case = file_case(
            category=category, channel="open311", channel_ref=request.api_key.name,
            description=data["description"] or category.name, reporter=user, lat=data["lat"], lng=data["long"],
            area=Area.objects.get(code=data["area"]), address=data["address_string"],
            caller_name=data["name"], callback_phone=data["phone"], client_token=f"open311:{request.token}")
    except CaseError as exc:
        raise Open311Error(400, " ".join(exc.messages)) from None
    request.case = case
    request.save(update_fields=["case"])
    return case


# --- rate limits -----------------------------------------------------------------------------

def rate_limited(bucket: str, ident: str, limit: int, per_seconds: int = 60) -> bool:
    """A fixed-window counter in the shared cache; True when this call is over the limit."""
    window = int(timezone.now().timestamp() // per_seconds)
    count = bump(f"open311:{bucket}:{ident}:{window}", per_seconds + 5)
    return count > limit


def status_notes_for(cases: list[Case]) -> None:
    """Attach the last staff note (of a status change) to each case as ``last_notes``, in one query."""
    from linli.cases.models import CaseEvent

    notes: dict[int, str] = {}
    rows = (CaseEvent.objects.filter(case__in=cases).exclude(note="")
            .filter(Q(action__in=["accept", "reject", "dispatch", "resolve", "verify", "close", "return",
                                  "escalate"]))
            .order_by("case_id", "id").values_list("case_id", "note"))
    for case_id, note in rows:
        notes[case_id] = note
    for case in cases:
        case.last_notes = notes.get(case.pk)
