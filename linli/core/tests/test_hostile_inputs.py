"""The hostile-input battery: every field of the staff person form, the contribution form, the report page,
the care contact, meeting motion and topic and wish forms, the JSON case API and Open311 POST gets wrong
types, empty, 1 MB text, script, RTL marks, emoji, full-width digits, NUL and other C0 controls, SQL-like
text, and out-of-range dates and coordinates.  Never a 5xx; whatever must be refused is refused and stores
nothing.  Text that is merely unusual (script, RTL, emoji) may be stored and must then come back escaped."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.forms.models import model_to_dict
from django.urls import reverse

from linli.api.tests.conftest import token_for
from linli.care.models import EmergencyContact
from linli.care.tests import conftest as care_fixtures
from linli.cases.models import Case, Category
from linli.core.tests.hostile import DATES, TEXTS
from linli.core.tests.reliability import check
from linli.meetings.models import AgendaItem, Motion
from linli.meetings.tests import conftest as meeting_fixtures
from linli.open311.tests import conftest as open311_fixtures
from linli.people.models import ContributionEntry
from linli.volunteering.models import Wish

services, api_key = open311_fixtures.services, open311_fixtures.api_key  # fixtures
care = care_fixtures.care
kind, people, series, meeting, running = (meeting_fixtures.kind, meeting_fixtures.people, meeting_fixtures.series,
                                          meeting_fixtures.meeting, meeting_fixtures.running)


@pytest.fixture
def staff_and_person(client, tree, make_user, make_person):
    staff = make_user("staff", "community_staff", tree.comm_a1)
    person = make_person(tree.g1, name="张三", mobile="13800001111")
    client.force_login(staff)
    return staff, person


def person_form(person, **changes) -> dict:
    data = {"name": person.name, "gender": "", "birth_date": "", "id_number": "", "mobile": person.mobile,
            "area": person.area_id, "note": ""}
    return {**data, **changes}


@pytest.mark.parametrize("field", ["name", "mobile", "id_number", "note"])
@pytest.mark.parametrize("kind", TEXTS)
def test_person_form_text_fields(client, staff_and_person, field, kind):
    _staff, person = staff_and_person
    value, refused = TEXTS[kind]
    before = model_to_dict(type(person).objects.get(pk=person.pk))
    response = client.post(f"/people/{person.pk}/edit/", person_form(person, **{field: value}))
    after = model_to_dict(type(person).objects.get(pk=person.pk))
    must_refuse = refused or (field in {"mobile", "id_number"} and kind not in {"empty", "full-width digits"}) \
        or (field == "name" and not value)
    ok = response.status_code < 500 and (after == before if must_refuse else True)
    if kind == "full-width digits" and field in {"mobile", "id_number"}:  # NFKC to ASCII, or refused
        ok = ok and after[field] != value and (after[field] or "").isascii()
    if not must_refuse and after[field] == value and value:
        page = client.get(f"/people/{person.pk}/").content.decode()
        ok = ok and "<script>alert" not in page
    assert check("hostile", f"person form {field}: {kind}", ok), (response.status_code, after[field])


@pytest.mark.parametrize("kind", DATES)
def test_person_form_birth_date_out_of_range(client, staff_and_person, kind):
    _staff, person = staff_and_person
    response = client.post(f"/people/{person.pk}/edit/", person_form(person, birth_date=DATES[kind]))
    person.refresh_from_db()
    ok = response.status_code < 500 and person.birth_date is None
    assert check("hostile", f"person form birth_date: {kind}", ok), response.status_code


@pytest.mark.parametrize("kind", [*TEXTS, *DATES])
def test_contribution_form(client, staff_and_person, kind):
    _staff, person = staff_and_person
    value = TEXTS[kind][0] if kind in TEXTS else "清扫"
    date = DATES.get(kind, "2026-01-05")
    response = client.post(f"/people/{person.pk}/contributions/add/", {"date": date, "what": value, "place": value})
    stored = ContributionEntry.objects.filter(person=person).first()
    must_refuse = kind in DATES or TEXTS[kind][1] is True or not value
    ok = response.status_code < 500 and (stored is None if must_refuse else True)
    assert check("hostile", f"contribution form: {kind}", ok), (response.status_code, stored)


API_BASE = {"category": "manhole-cover", "description": "井盖坏了", "lat": 29.401, "lng": 106.501}
API_WRONG = {
    "description": {"a list": ["x"], "an object": {"a": 1}, "a number": 5, "null": None},
    "lat": {"text": "north", "out of range": 91.0, "huge": 1e308, "a list": [1], "NaN text": "NaN"},
    "lng": {"out of range": -181.0, "infinity text": "Infinity", "bool": True},
    "category": {"unknown": "no-such", "script": "<script>x</script>", "number": 3},
}


def api_post(client, token: str, body) -> int:
    return client.post("/api/cases", json.dumps(body), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}").status_code


@pytest.fixture
def api_token(tree, make_user, categories):
    return token_for(make_user("worker", "grid_worker", tree.g1))


@pytest.mark.parametrize(("field", "kind"), [(f, k) for f, kinds in API_WRONG.items() for k in kinds])
def test_case_api_wrong_types_and_ranges_store_nothing(client, api_token, field, kind):
    status = api_post(client, api_token, {**API_BASE, field: API_WRONG[field][kind]})
    ok = 400 <= status < 500 and not Case.objects.exists()
    assert check("hostile", f"case API {field}: {kind}", ok), status


@pytest.mark.parametrize("field", ["description", "address"])
@pytest.mark.parametrize("kind", TEXTS)
def test_case_api_text_fields(client, api_token, field, kind):
    value, refused = TEXTS[kind]
    status = api_post(client, api_token, {**API_BASE, field: value})
    must_refuse = refused or (field == "description" and not value)
    ok = status < 500 and (not Case.objects.exists() if must_refuse else True)
    if ok and (case := Case.objects.first()) is not None:
        ok = getattr(case, field) == value.strip() or not value  # stored as text, as sent
    assert check("hostile", f"case API {field}: {kind}", ok), status


def test_malformed_json_is_a_clear_400(client, api_token):
    status = client.post("/api/cases", b'{"category": "manhole-cover", ', content_type="application/json",
                         HTTP_AUTHORIZATION=f"Bearer {api_token}").status_code
    assert check("hostile", "case API: malformed JSON", status == 400 and not Case.objects.exists()), status


# --- Open311 POST: every text field, wrong types and malformed coordinates; XML stays well-formed -----

OPEN311_TEXT_FIELDS = ["description", "address_string", "first_name", "last_name", "attribute[lamp-number]"]
OPEN311_COORDINATES = {
    "text": ("north", "106.501"), "comma decimal": ("29,401", "106.501"), "hex": ("0x1d", "106.501"),
    "Infinity": ("Infinity", "106.501"), "-Infinity": ("29.401", "-Infinity"), "1e308": ("1e308", "106.501"),
    "lat 90.0001": ("90.0001", "106.501"), "long 180.5": ("29.401", "180.5"), "blank": (" ", " "),
    "script": ("<script>1</script>", "106.501"), "swapped": ("106.501", "29.401"), "only long": ("", "106.501"),
}


def open311_post(client, raw: str, fmt: str = "json", **fields):
    data = {"api_key": raw, "service_code": "street-lamp", "description": "路灯不亮", "lat": "29.401",
            "long": "106.501", "attribute[lamp-number]": "A-17", **fields}
    return client.post(f"/open311/v2/requests.{fmt}", data)


def open311_nothing_stored() -> bool:
    from linli.open311.models import Open311Request

    return not Case.objects.exists() and not Open311Request.objects.exists()


@pytest.mark.parametrize("kind", OPEN311_COORDINATES)
def test_open311_malformed_coordinates_are_refused(client, services, api_key, kind):
    _key, raw = api_key
    lat, lng = OPEN311_COORDINATES[kind]
    response = open311_post(client, raw, lat=lat, long=lng)
    ok = response.status_code == 400 and response.json()[0]["description"] and open311_nothing_stored()
    assert check("hostile", f"Open311 coordinates: {kind}", ok), (response.status_code, response.content[:200])


def test_open311_full_width_digits_are_the_same_point_or_refused(client, services, api_key, tree):
    _key, raw = api_key
    response = open311_post(client, raw, lat="２９.４０１", long="１０６.５０１")
    case = Case.objects.first()
    ok = (response.status_code == 400 and open311_nothing_stored()) or (
        response.status_code == 200 and case.area == tree.g1 and (case.lat, case.lng) == (29.401, 106.501))
    assert check("hostile", "Open311 coordinates: full-width digits", ok), response.status_code


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("field", OPEN311_TEXT_FIELDS)
@pytest.mark.parametrize("kind", TEXTS)
def test_open311_text_fields(client, services, api_key, field, kind, fmt):
    """Refused (400, in the format asked for) or kept as sent; whatever is kept reads back in well-formed XML."""
    _key, raw = api_key
    value, refused = TEXTS[kind]
    response = open311_post(client, raw, fmt, **{field: value})
    body = response.content.decode()
    ok = response.status_code < 500
    if fmt == "xml":
        root = ElementTree.fromstring(response.content)  # raises if not well-formed
        ok = ok and "<script>" not in body
    if refused or (kind == "1 MB text"):
        ok = ok and response.status_code == 400 and open311_nothing_stored()
    elif response.status_code == 200:
        number = root[0].findtext("service_request_id") if fmt == "xml" else response.json()[0]["service_request_id"]
        read = client.get(f"/open311/v2/requests/{number}.xml", {"api_key": raw})
        ElementTree.fromstring(read.content)
        ok = ok and read.status_code == 200 and "<script>" not in read.content.decode()
    assert check("hostile", f"Open311 {field} ({fmt}): {kind}", ok), (response.status_code, body[:200])


OPEN311_WRONG = {
    "service_code twice": {"service_code": ["street-lamp", "manhole-cover"]},
    "service_code script": {"service_code": "<script>x</script>"},
    "number attribute text": {"attribute[height]": "tall"},
    "number attribute huge": {"attribute[height]": "1e999"},
    "unknown attribute": {"attribute[<b>]": "x"},
    "media_url javascript": {"media_url": "javascript:alert(1)"},
    "media_url data": {"media_url": "data:text/html,<script>alert(1)</script>"},
    "email script": {"email": "<script>@x.cn"},
    "phone full-width script": {"phone": "１３８<script>"},
    "no api_key": {"api_key": ""},
}


@pytest.mark.parametrize("kind", OPEN311_WRONG)
def test_open311_wrong_values_are_refused(client, services, api_key, kind):
    _key, raw = api_key
    response = open311_post(client, raw, **OPEN311_WRONG[kind])
    ok = 400 <= response.status_code < 500 and response.json()[0]["description"] and open311_nothing_stored()
    assert check("hostile", f"Open311 wrong value: {kind}", ok), (response.status_code, response.content[:200])


# --- the forms residents and staff fill most: the same texts in every text field -------------------

@dataclass(frozen=True)
class FormSpec:
    """A form under test: ``setup(request)`` signs someone in and gives (url, valid data); ``rows()`` is what
    a POST may change; ``page()`` shows what was stored (default: where the POST redirected)."""

    setup: Callable[[Any, Any], tuple[str, dict]]
    fields: tuple[str, ...]
    rows: Callable[[], list]
    page: Callable[[], str] | None = None


def _report(request, client) -> tuple[str, dict]:
    client.force_login(request.getfixturevalue("make_user")("rider-f", home=request.getfixturevalue("tree").g1))
    return "/cases/report/", {"category": Category.objects.get(code="manhole").pk, "description": "井盖破了",
                              "lat": 29.401, "lng": 106.501, "client_token": str(uuid.uuid4())}


def _contact(request, client) -> tuple[str, dict]:
    care = request.getfixturevalue("care")
    client.force_login(care.staff)
    return (reverse("care:contact_add", args=[care.recipient.pk]),
            {"name": "王小明", "relation": "儿子", "phone": "13800001234"})


def _motion(request, client) -> tuple[str, dict]:
    client.force_login(request.getfixturevalue("people").staff)
    return reverse("meetings:motion_new", args=[request.getfixturevalue("running").pk]), {
        "text": "每户每月10元", "rule": "majority"}


def _topic(request, client) -> tuple[str, dict]:
    client.force_login(request.getfixturevalue("people").resident)
    meeting = request.getfixturevalue("series").meetings.order_by("starts_at").first()
    return reverse("meetings:propose", args=[meeting.pk]), {"title": "楼道堆物", "description": ""}


def _wish(request, client) -> tuple[str, dict]:
    client.force_login(request.getfixturevalue("make_user")("wisher", home=request.getfixturevalue("tree").g1))
    return reverse("volunteering:wish_new"), {"title": "想要一台轮椅", "description": ""}


def _rows(model, *fields: str) -> Callable[[], list]:
    return lambda: list(model.objects.order_by("pk").values(*fields))


FORMS = {
    "report page": FormSpec(_report, ("description",), _rows(Case, "description"),
                            lambda: reverse("cases:mine_detail", args=[Case.objects.get().number])),
    "care contact": FormSpec(_contact, ("name", "relation", "phone"), _rows(EmergencyContact)),
    "meeting motion": FormSpec(_motion, ("text",), _rows(Motion)),
    "meeting topic": FormSpec(_topic, ("title", "description"), _rows(AgendaItem, "title", "description")),
    "wish": FormSpec(_wish, ("title", "description"), _rows(Wish, "title", "description")),
}


@pytest.mark.parametrize("text", TEXTS)  # not "kind": a meetings fixture
@pytest.mark.parametrize(("form", "field"), [(f, x) for f, spec in FORMS.items() for x in spec.fields])
def test_form_text_fields(request, db, client, form, field, text):
    """Never a 5xx; refused texts change nothing; script that is kept comes back escaped."""
    cache.clear()  # rate limits of earlier probes
    spec = FORMS[form]
    url, data = spec.setup(request, client)
    value, refused = TEXTS[text]
    before = spec.rows()
    response = client.post(url, {**data, field: value})
    ok = response.status_code < 500 and (spec.rows() == before if refused else True)
    if ok and text == "script" and spec.rows() != before:
        page = client.get(spec.page() if spec.page else response.url).content.decode()
        ok = "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert check("hostile", f"form {form} {field}: {text}", ok), (response.status_code, spec.rows()[-1:])
