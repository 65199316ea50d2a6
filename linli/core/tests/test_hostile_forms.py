"""The hostile-input battery, second part: the staff intake (a case filed by staff), the fund forms (payment,
fee, exemption and its withdrawal, correction, spending claim and its decision), the points forms (redeeming,
the shop's code, an award by hand, a correction) and the station finder and coverage queries.

Every field gets what it must refuse: wrong types, too large, out of range, script, NUL and C0 controls,
digits of other scripts (``١٠``), malformed coordinates and dates.  Each is refused with a message the user
sees and changes nothing; full-width digits (``１０``) are read as ASCII or refused, never stored as typed.
Free text may keep script, RTL marks and emoji, and then shows them escaped."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from linli.cases.models import Case, CaseEvent, Category
from linli.core.tests.hostile import ARABIC_INDIC, DATES, FULL_WIDTH, MEGABYTE, TEXTS, error_shown, non_ascii_digits
from linli.core.tests.reliability import check
from linli.funds import services as fund_services
from linli.funds.access import access_for
from linli.funds.models import Entry, Exemption, ExemptionCancellation, FeeRate, PaidMonth, SpendingClaim
from linli.funds.tests import conftest as fund_fixtures
from linli.places.models import ServiceStation
from linli.points import ledger, rewards
from linli.points.models import Redemption, Reward, Transfer

estate = fund_fixtures.estate  # fixture

REFUSE, ASCII, TEXT, EITHER = "refused", "ASCII or refused", "text", "anything but a 5xx"
HUGE = "9" * 40
# Each kind of field: what it is sent, and what must come of it.
WHOLE = {"text": "abc", "negative": "-5", "zero": "0", "huge": HUGE, "decimal": "1.5", "exponent": "1e3",
         "NaN": "NaN", "Infinity": "Infinity", "script": "<script>1</script>", "1 MB": "1" * (1 << 20),
         "Arabic-Indic digits": "٥", "NUL": "5\x00"}
YUAN = {"text": "abc", "negative": "-5", "three decimals": "1.001", "huge": HUGE, "exponent": "1e3", "NaN": "NaN",
        "Infinity": "Infinity", "script": "<script>1</script>", "1 MB": "1" * (1 << 20),
        "Arabic-Indic digits": "١٠", "C0 controls": "1\x1b0"}
MONTHS = {"malformed": "2024-1x", "year 1": "0001-01", "year 9999": "9999-12", "month 13": "2024-13",
          "script": "<b>1</b>", "1 MB": "2" * (1 << 20), "Arabic-Indic digits": "2024-01".translate(ARABIC_INDIC)}
DAYS = {**DATES, "year 1999": "1999-12-31", "1 MB": "2" * (1 << 20),
        "Arabic-Indic digits": "2024-03-02".translate(ARABIC_INDIC), "NUL": "2024-03-02\x00"}
CHOICES = {"unknown": "no-such", "script": "<script>x</script>", "1 MB": MEGABYTE, "C0 controls": "cash\x1b"}
KEYS = {"script": "<script>x</script>", "short": "abc", "upper case": "A" * 32, "1 MB": "a" * (1 << 20),
        "Arabic-Indic digits": ("1" * 32).translate(ARABIC_INDIC), "full-width": ("1" * 32).translate(FULL_WIDTH)}


def probes(kinds: dict[str, str], rule: str = REFUSE) -> dict[str, tuple[str, str]]:
    return {kind: (value, rule) for kind, value in kinds.items()}


def texts(required: bool) -> dict[str, tuple[str, str]]:
    """The text battery: refused texts must be refused; the rest may be kept as text (and then escaped)."""
    out = {}
    for kind, (value, refused) in TEXTS.items():
        if kind == "empty":
            out[kind] = (value, REFUSE if required else EITHER)
        else:
            out[kind] = (value, REFUSE if refused else TEXT)
    return out


def full_width(ascii_value: str) -> dict[str, tuple[str, str]]:
    return {"full-width digits": (ascii_value.translate(FULL_WIDTH), ASCII)}


@dataclass(frozen=True)
class Form:
    """A form under test: ``setup(request, client)`` signs the right person in and gives (url, valid data);
    ``rows()`` is everything a POST may change; ``fields`` maps each field to its probes; ``method`` GET forms
    change nothing by nature and are checked for the clear error alone."""

    setup: Callable[[Any, Any], tuple[str, dict]]
    rows: Callable[[], list]
    fields: dict[str, dict[str, tuple[str, str]]]
    method: str = "post"
    page: Callable[[Any], str] | None = None


def snapshot(*models) -> Callable[[], list]:
    return lambda: [list(m.objects.order_by("pk").values()) for m in models]


FUND_ROWS = snapshot(Entry, PaidMonth, FeeRate, Exemption, ExemptionCancellation, SpendingClaim)


def _estate(request, client, who: str = "staff"):
    ns = request.getfixturevalue("estate")
    client.force_login(getattr(ns, who))
    return ns


def _pay(request, client):
    ns = _estate(request, client)
    return reverse("funds:pay", args=[ns.fund.pk, ns.b1.pk]), {
        "household": ns.h1[0].pk, "first_month": "2024-01", "months": "1", "method": "cash", "receipt_no": "XH-1",
        "paid_on": "2024-03-02"}


def _rate(request, client):
    ns = _estate(request, client)
    return reverse("funds:rates", args=[ns.fund.pk]), {"amount": "12", "starts_on": f"{dt.date.today():%Y-%m}",
                                                       "note": "逢四说事"}


def _exempt(request, client):
    ns = _estate(request, client)
    return reverse("funds:exempt", args=[ns.fund.pk, ns.b1.pk]), {
        "household": ns.h1[0].pk, "first_month": "2024-01", "last_month": "2024-06", "reason": "低保户"}


def _reverse_entry(request, client):
    ns = _estate(request, client)
    entry = fund_services.record_payment(ns.fund, household=ns.h1[0], first_month=fund_fixtures.START, months=1,
                                         method="cash", receipt_no="P1", by=ns.staff,
                                         access=access_for(ns.staff, ns.fund),
                                         paid_on=dt.date(2024, 1, 10))
    return reverse("funds:reverse", args=[ns.fund.pk, entry.pk]), {"reason": "收错户"}


def _withdraw(request, client):
    ns = _estate(request, client)
    exemption = fund_services.grant_exemption(ns.fund, household=ns.h1[0], first_month=fund_fixtures.START,
                                              last_month=None, reason="低保户", by=ns.staff)
    return reverse("funds:cancel_exemption", args=[ns.fund.pk, exemption.pk]), {"reason": "情况好转"}


def _claim(request, client):
    ns = _estate(request, client)
    fund_services.record_other_income(ns.fund, amount_fen=100_000, description="捐赠", by=ns.staff)
    return reverse("funds:claims", args=[ns.fund.pk]), {
        "item": "wages", "amount": "30", "spent_on": "2024-01-31", "payee": "保洁员", "description": "1月工资",
        "decision_ref": "逢四说事"}


def _decide(request, client):
    ns = _estate(request, client, "chair")
    fund_services.record_other_income(ns.fund, amount_fen=100_000, description="捐赠", by=ns.staff)
    claim = fund_services.propose_spending(ns.fund, item="wages", amount_fen=3000, spent_on=dt.date(2024, 1, 31),
                                           payee="保洁员", description="1月工资", decision_ref="", receipt=None,
                                           by=ns.staff)
    return reverse("funds:claim", args=[ns.fund.pk, claim.pk]), {"decision": "approve", "note": "同意"}


POINT_ROWS = snapshot(Transfer, Redemption, Reward)


def _points(request, client, role: str | None = None):
    ns, tree, make_user = (request.getfixturevalue(f) for f in ("ns", "tree", "make_user"))
    ledger.earn(ns.scheme, ns.rider, 100, key="start", source="service")
    if role == "shop":
        client.force_login(make_user("shop-staff", "sponsor_staff", partner=ns.shop, home=ns.shop.area))
    elif role:
        client.force_login(make_user("leader", "community_staff", tree.comm_a1))
    return ns


def _redeem(request, client):
    ns = _points(request, client)
    user = request.getfixturevalue("make_user")("rider-user", home=request.getfixturevalue("tree").g1)
    ledger.earn(ns.scheme, user.person, 100, key="mine", source="service")
    client.force_login(user)
    return reverse("points:redeem", args=[ns.reward.pk]), {"request_key": uuid.uuid4().hex}


def _shop(request, client):
    ns = _points(request, client, "shop")
    waiting = rewards.redeem(ns.rider, ns.reward, request_key="r1")
    return reverse("points:shop"), {"code": waiting.code}


def _award(request, client):
    ns = _points(request, client, "leader")
    return reverse("points:award", args=[ns.rider.pk]), {"amount": "10", "reason": "帮助走失老人",
                                                          "request_key": uuid.uuid4().hex}


def _reverse_points(request, client):
    ns = _points(request, client, "leader")
    original = Transfer.objects.get(key="start")
    return reverse("points:reverse", args=[ns.rider.pk, original.pk]), {"reason": "录错了"}


INTAKE_ROWS = snapshot(Case, CaseEvent)
COORDINATES = {"text": ("north", "106.501"), "comma decimal": ("29,401", "106.501"), "hex": ("0x1d", "106.501"),
               "Infinity": ("Infinity", "106.501"), "NaN": ("NaN", "106.501"), "1e308": ("1e308", "106.501"),
               "lat 90.0001": ("90.0001", "106.501"), "long 180.5": ("29.401", "180.5"),
               "script": ("<script>1</script>", "106.501"), "swapped": ("106.501", "29.401"),
               "outside the service area": ("29.9", "107.5"), "only lat": ("29.401", ""),
               "1 MB": ("2" * (1 << 20), "106.501"),
               "Arabic-Indic digits": ("29.401".translate(ARABIC_INDIC), "106.501".translate(ARABIC_INDIC))}


def _intake(request, client):
    tree, make_user = request.getfixturevalue("tree"), request.getfixturevalue("make_user")
    client.force_login(make_user("staff", "community_staff", tree.comm_a1))  # takes the call, sees the case
    return "/cases/new/", {"channel": "hotline", "category": Category.objects.get(code="manhole").pk,
                           "description": "来电：井盖松动", "caller_name": "王阿姨", "callback_phone": "13800001111",
                           "channel_ref": "", "area": tree.g1.pk, "address": "新河街1号", "lat": "", "lng": ""}


def _finder(request, client):
    ServiceStation.objects.create(name="下新新服务站", area=request.getfixturevalue("tree").comm_a1,
                                  address="新河街 1 号", lat=29.401, lng=106.501)
    return reverse("places:stations_json"), {"lat": "29.401", "lng": "106.501"}


def _coverage(request, client):
    tree, make_user = request.getfixturevalue("tree"), request.getfixturevalue("make_user")
    client.force_login(make_user("street", "street_staff", tree.street_a))
    return reverse("places:coverage_geojson"), {"mode": "walk", "kmh": "4", "at": "2026-03-02T10:00"}


def _other_household(request) -> str:
    return str(request.getfixturevalue("estate").h2[0].pk)


FORMS: dict[str, Form] = {
    "fund payment": Form(_pay, FUND_ROWS, {
        "household": {**probes(CHOICES), "another building's household": ("<h2>", REFUSE)},
        "first_month": {**probes(MONTHS), **full_width("2024-01")},
        "months": {**probes(WHOLE), "25 months": ("25", REFUSE), **full_width("1")},
        "method": probes(CHOICES),
        "receipt_no": {**texts(required=True), **full_width("20240001")},
        "paid_on": {**probes(DAYS), **full_width("2024-03-02")}}),
    "fund fee": Form(_rate, FUND_ROWS, {
        "amount": {**probes(YUAN), "10,001 yuan": ("10001", REFUSE), **full_width("12")},
        "starts_on": probes(MONTHS), "note": texts(required=False)}),
    "fund exemption": Form(_exempt, FUND_ROWS, {
        "household": {**probes(CHOICES), "another building's household": ("<h2>", REFUSE)},
        "first_month": probes(MONTHS), "last_month": probes(MONTHS), "reason": texts(required=True)},
        page=lambda ns: reverse("funds:exemptions", args=[Exemption.objects.get().fund_id])),
    "fund correction": Form(_reverse_entry, FUND_ROWS, {"reason": texts(required=True)}),
    "fund exemption withdrawal": Form(_withdraw, FUND_ROWS, {"reason": texts(required=True)}),
    "fund spending claim": Form(_claim, FUND_ROWS, {
        "item": probes(CHOICES), "amount": {**probes(YUAN), "over a million": ("1000001", REFUSE)},
        "spent_on": probes(DAYS), "payee": texts(required=True), "description": texts(required=True),
        "decision_ref": texts(required=False)}),
    "fund claim decision": Form(_decide, FUND_ROWS, {"decision": probes(CHOICES), "note": texts(required=False)}),
    "points redeem": Form(_redeem, POINT_ROWS, {"request_key": probes(KEYS)}),
    "points shop code": Form(_shop, POINT_ROWS, {"code": {
        **probes({"empty": "", "five digits": "12345", "letters": "abcdef", "script": "<script>1</script>",
                  "1 MB": "1" * (1 << 20), "NUL": "123\x00456", "Arabic-Indic digits": "123456".translate(ARABIC_INDIC),
                  "wrong code": "000000x"}), "full-width digits": ("<code>", ASCII)}}),
    "points award": Form(_award, POINT_ROWS, {
        "amount": {**probes(WHOLE), **full_width("10")}, "reason": texts(required=True),
        "request_key": probes(KEYS)}),
    "points correction": Form(_reverse_points, POINT_ROWS, {"reason": texts(required=True)}),
    "staff intake": Form(_intake, INTAKE_ROWS, {
        "channel": probes(CHOICES), "category": {**probes(CHOICES), "a top-level category": ("<parent>", REFUSE)},
        "description": texts(required=True), "caller_name": texts(required=True),
        "callback_phone": {**probes({"text": "call me", "script": "<script>1</script>", "too short": "12345",
                                     "1 MB": "1" * (1 << 20),
                                     "Arabic-Indic digits": "13800001111".translate(ARABIC_INDIC)}),
                           **full_width("13800001111")},
        "channel_ref": texts(required=False), "address": texts(required=False),
        "area": {**probes(CHOICES), "another street's grid": ("<h1>", REFUSE)},
        "lat/lng": probes({k: "|".join(v) for k, v in COORDINATES.items()})},
        page=lambda ns: reverse("cases:case_detail", args=[Case.objects.get().number])),
    "station finder": Form(_finder, lambda: [], {
        "lat/lng": probes({k: "|".join(v) for k, v in COORDINATES.items() if k != "outside the service area"}),
        "amenity": probes(CHOICES), "community": probes(CHOICES)}, method="get"),
    "station coverage": Form(_coverage, lambda: [], {
        "kmh": probes({**{k: v for k, v in WHOLE.items() if k != "decimal"}, "too fast": "41"}),
        "mode": probes(CHOICES), "amenity": probes(CHOICES),
        "at": probes({**DATES, "Arabic-Indic digits": "2026-03-02T10:00".translate(ARABIC_INDIC)})},
        method="get"),
}


def _resolve(request, value: str, data: dict) -> str:
    """Placeholders for values known only once the fixtures exist."""
    if value == "<h2>":
        return _other_household(request)
    if value == "<h1>":
        return str(request.getfixturevalue("tree").h1.pk)
    if value == "<parent>":
        return str(Category.objects.get(code="manhole").parent_id)
    if value == "<code>":
        return data["code"].translate(FULL_WIDTH)
    return value


CASES = [(form, field, kind) for form, spec in FORMS.items() for field, kinds in spec.fields.items()
         for kind in kinds]


@pytest.mark.parametrize(("form", "field", "kind"), CASES, ids=[" / ".join(c) for c in CASES])
def test_bad_input_gets_a_clear_error_and_changes_nothing(request, db, client, form, field, kind):
    cache.clear()  # rate limits of earlier probes
    spec = FORMS[form]
    url, data = spec.setup(request, client)
    value, rule = spec.fields[field][kind]
    value = _resolve(request, value, data)
    sent = dict(zip(field.split("/"), value.split("|"), strict=True)) if "/" in field else {field: value}
    before = spec.rows()
    response = getattr(client, spec.method)(url, {**data, **sent})
    after = spec.rows()
    ok = response.status_code < 500
    if rule == REFUSE:
        ok = ok and after == before and error_shown(response)
    elif rule == ASCII:
        ok = ok and (after == before and error_shown(response) or not non_ascii_digits(repr(after)))
    elif rule == TEXT and after != before and "<script>" in value:
        target = spec.page(None) if spec.page else response.url
        page = client.get(target).content.decode()
        ok = ok and "<script>alert" not in page  # escaped where it is shown (some fields are not shown there)
    assert check("hostile", f"form {form} {field}: {kind}", ok), (response.status_code, response.content[:300])
