"""The complete scope matrix: every URL pattern and every API operation is classified, and every URL
that names an object is tried by every role on objects inside and outside its scope (GET and POST).

A new URL or API operation fails ``test_every_url_is_classified`` until it gets a line in ``URLS`` (or
``API``): ``PUBLIC`` (no sign-in needed), ``OWN`` (the caller's own data, or a list or form that only
offers what ``scoped()`` gives), ``obj(kind, …)`` (tried here, in the matrix below) or ``APP`` (an
object page whose inside/outside tests live in its app's tests, which must name it and assert a 404).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core import serializers
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from linli.api.api import api
from linli.api.tests.conftest import token_for
from linli.cases.models import CaseEvent
from linli.cases.services import file_case
from linli.core.tests.reliability import check
from linli.people.models import ContributionEntry, Person, RoleAssignment, UnmaskLog
from linli.points.models import Transfer

from . import test_scope_matrix as matrix
from .test_scope_matrix import GRIDS, ROLES

world, user_for = matrix.world, matrix.user_for  # the scope matrix's fixtures, shared

PUBLIC, OWN, APP = "public", "own", "app"


@dataclass(frozen=True)
class Obj:
    """An object URL tried in the matrix: the kind of object and how its URL arguments come from it."""

    kind: str
    args: Callable[[object], dict] = lambda o: {"pk": o.pk}
    post: dict = field(default_factory=dict)


def obj(kind: str, args: Callable[[object], dict] | None = None, **post) -> Obj:
    return Obj(kind, args or (lambda o: {"pk": o.pk}), post)


def person_id(o) -> dict:
    return {"person_id": o.pk}


def code(o) -> dict:
    return {"code": o.code}


def number(o) -> dict:
    return {"number": o.number}


URLS: dict[str, object] = {
    # core
    "home": OWN, "healthz": PUBLIC, "favicon": PUBLIC, "login": PUBLIC, "logout": OWN, "set_language": PUBLIC,
    # places
    "places:map": OWN, "places:grids_geojson": OWN, "places:basemap": PUBLIC, "places:locate": OWN,
    "places:stations": PUBLIC,
    "places:stations_json": PUBLIC, "places:station": PUBLIC, "places:station_photo": PUBLIC,
    "places:coverage": OWN, "places:coverage_geojson": OWN, "places:tree": OWN,
    "places:grid": obj("grid", code), "places:building": obj("building"), "places:household": obj("household"),
    "places:department": APP, "places:partner": APP,
    # people
    "people:list": OWN, "people:detail": obj("person"),
    "people:edit": obj("person", name="改名", mobile="13900000000"),
    "people:unmask": obj("person", lambda o: {"pk": o.pk, "field": "mobile"}, reason="核实"),
    "people:contribution_add": obj("person", what="清扫", date="2026-01-05"),
    "people:party_advance": obj("person", stage="applicant", on="2026-01-05"),
    "people:role_add": obj("person", role="volunteer", starts_on="2026-01-05"),
    "people:role_end": obj("person", lambda o: {"pk": o.pk, "role_pk": 1}, ends_on="2026-01-05"),
    "people:import": OWN, "people:import_template": OWN, "people:import_preview": OWN, "people:import_job": OWN,
    "people:export": OWN,
    # cases
    "cases:report": OWN, "cases:report_duplicates": OWN, "cases:report_support": OWN, "cases:report_done": OWN,
    "cases:new": OWN, "cases:mine": OWN, "cases:mine_detail": OWN, "cases:rate": OWN, "cases:messages": OWN,
    "cases:messages_read": OWN, "cases:photo": APP, "cases:photo_thumb": APP, "cases:inbox": OWN,
    "cases:board": OWN, "cases:public_list": PUBLIC, "cases:public_map": PUBLIC, "cases:public_geojson": PUBLIC,
    "cases:public_photo": PUBLIC, "cases:public_photo_thumb": PUBLIC,
    "cases:case_detail": obj("case", number), "cases:case_act": obj("case", number, action="accept"),
    "cases:case_moderate": obj("case", number, what="hide_case", reason="不实"),
    "cases:case_photo": APP, "cases:case_photo_thumb": APP,
    # points
    "points:points": OWN, "points:rewards": OWN, "points:redeem": APP, "points:redemption": APP, "points:shop": OWN,
    "points:archive": obj("person", person_id), "points:archive_xlsx": obj("person", person_id),
    "points:award": obj("person", person_id, amount="5", reason="表扬"),
    "points:reverse": obj("person", lambda o: {"person_id": o.pk, "transfer_id": 1}, reason="更正"),
    "points:figures": OWN,
    # reports (a grid's dashboards)
    "reports:index": OWN, "reports:public": PUBLIC, "reports:department_dashboard": APP,
    "reports:department_cases": APP, "reports:department_monthly": APP, "reports:department_monthly_xlsx": APP,
    "reports:article": OWN, "reports:article_rows": OWN, "reports:job": APP, "reports:job_download": APP,
    "reports:monthly_xlsx": obj("grid", code),
    "reports:dashboard": obj("grid", code), "reports:cases": obj("grid", code), "reports:monthly": obj("grid", code),
    # open311 (API keys, its own tests)
    **{f"open311:{n}": PUBLIC for n in ("discovery", "services", "service", "requests", "request",
                                        "request-singular", "token")},
    # the JSON API: see API below
    "api:openapi-json": PUBLIC, "api:openapi-view": PUBLIC, "api:api-root": PUBLIC,
    **{f"api:{n}": "api" for n in ("list_cases", "create_case", "get_case", "take_action", "rate_case",
                                   "case_photo", "categories", "category_suggest", "grids", "locate", "kpis")},
}
# Object pages of the apps above cases: scoped through get_scoped_or_404, tested in their own apps.
URLS |= {f"volunteering:{n}": APP for n in (
    "team_detail", "team_join", "team_leave", "team_decide", "activity_detail", "activity_signup", "activity_cancel",
    "activity_code", "checkin", "attendance", "confirm_hours", "record_detail", "correction_decide", "certificate",
    "wish_detail", "wish_photo", "wish_action", "pledge_detail")}
URLS |= {f"volunteering:{n}": OWN for n in ("team_list", "activity_list", "activity_new", "record_list",
                                             "certificate_new", "wish_list", "wish_new", "honour_list", "pledge_list")}
URLS["volunteering:wish_public"] = PUBLIC
URLS |= {f"care:{n}": APP for n in (
    "recipient_detail", "recipient_edit", "health_reveal", "health_add", "contact_add", "contact_remove", "pair_add",
    "pair_end", "ledger", "visit_new", "help_book", "visit_detail", "visit_need", "errand_detail", "errand_receipt",
    "errand_action", "help_action")}
URLS |= {f"care:{n}": OWN for n in ("recipient_list", "recipient_new", "recipient_export", "visit_list", "due",
                                     "alerts", "figures", "hotline", "call_new", "slot_new", "swap_new", "errand_list",
                                     "errand_mine", "errand_new", "helps", "outreach")}
URLS |= {f"funds:{n}": APP for n in ("detail", "statement", "building", "pay", "exempt", "ledger", "entry", "reverse",
                                      "rates", "exemptions", "cancel_exemption", "claims", "claim", "claim_receipt")}
URLS["funds:list"] = OWN
URLS |= {f"meetings:{n}": APP for n in (
    "series_detail", "series_generate", "series_call", "series_ical", "series_export", "meeting_detail",
    "meeting_move", "meeting_cancel", "meeting_close", "minutes", "propose", "item_add", "item_promote", "code",
    "signin", "attendance", "motion_new", "item_outcome", "item_move", "motion", "motion_vote", "drive",
    "opinion_take_up")}
URLS |= {f"meetings:{n}": OWN for n in ("index", "series_list", "series_new", "accountability", "mine", "wechat",
                                         "drives", "drive_new", "calendar")}
URLS |= {"meetings:public": PUBLIC, "meetings:calendar_feed": PUBLIC}

# Every operation of the JSON API (django-ninja): OWN (a scoped list or a look-up) or an object, tried below.
API: dict[str, object] = {
    "list_cases": OWN, "create_case": OWN, "categories": OWN, "category_suggest": OWN, "grids": OWN, "locate": OWN,
    "kpis": OWN,
    "get_case": obj("case", number), "take_action": obj("case", number), "rate_case": obj("case", number),
    "case_photo": APP,
}
API_PATHS = {"get_case": ("GET", "/api/cases/{number}"),
             "take_action": ("POST", "/api/cases/{number}/actions/accept"),
             "rate_case": ("POST", "/api/cases/{number}/rate")}


def url_patterns(patterns=None, prefix: str = "", namespace: str | None = None):
    """(name, route) of every URL pattern the project answers, namespaces included."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
            yield from url_patterns(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}:{p.name}" if namespace and p.name else p.name), prefix + str(p.pattern)


def api_operations():
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                yield operation.view_func.__name__


def test_every_url_is_classified():
    names = {name or route for name, route in url_patterns() if not route.startswith("admin/")}
    assert not (missing := sorted(names - set(URLS))), f"classify these URLs in URLS: {missing}"
    assert not (stale := sorted(set(URLS) - names)), f"these URLs are gone, remove them from URLS: {stale}"


def test_every_api_operation_is_classified():
    operations = set(api_operations())
    assert operations == set(API), f"classify in API: {sorted(operations - set(API))}; gone: {set(API) - operations}"


def test_the_admin_is_guarded_by_its_own_tests():
    """Every admin URL sits behind LinliAdminSite.has_permission (district admins and superusers only)."""
    admin_routes = [route for _n, route in url_patterns() if route.startswith("admin/")]
    assert admin_routes and (Path(__file__).parent / "test_admin_guard.py").is_file()


# Object URLs whose app has no outside-scope test naming them yet (found by the test below): to be written
# in those apps; each xfails until it has one, then fails here as a reminder to take it off this list.
# None left: a new APP URL goes here only while its app's test is being written.
APP_GAPS: set[str] = set()


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason="no test yet"))
                                  if n in APP_GAPS else n for n in sorted(n for n, c in URLS.items() if c == APP)])
def test_app_object_urls_have_outside_scope_tests_in_their_app(name):
    app, _, url_name = name.partition(":")
    tests = Path(__file__).resolve().parents[2] / app / "tests"
    texts = [p.read_text() for p in tests.glob("test_*.py")]
    naming = [t for t in texts if f'"{name}"' in t or f'"{url_name}"' in t or f"{app}:{url_name}" in t
              or f"/{url_name.split('_')[0]}" in t]
    assert any("404" in t for t in naming), f"no test in linli/{app}/tests names {name} and asserts a 404"


# --- the matrix --------------------------------------------------------------------------------------

@pytest.fixture
def things(world, categories, tree):
    """The objects of each kind at each grid (a case filed in each too)."""
    cases = {loc: file_case(category=categories.manhole, channel="h5", description=f"井盖{loc}",
                            reporter=None, area=getattr(world, loc)) for loc in GRIDS}
    return {"person": world.people, "grid": {loc: getattr(world, loc) for loc in GRIDS},
            "building": world.buildings, "household": world.households, "case": cases}


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Person, ContributionEntry, RoleAssignment, UnmaskLog,
                                                     CaseEvent, Transfer)}


def snapshot(o) -> str:
    return serializers.serialize("json", [type(o).objects.get(pk=o.pk)])


def try_both(client, url: str, post: dict, thing, visible: bool, label: str, **extra) -> None:
    before, state = counts(), snapshot(thing)
    got = client.get(url, **extra).status_code
    posted = client.post(url, post, **extra).status_code
    if visible:
        ok = got < 500 and posted < 500
    else:
        # 404, or 405 where the URL takes only the other method (answered before any look-up, the same for all)
        ok = {got, posted} <= {404, 405} and 404 in {got, posted} and counts() == before and snapshot(thing) == state
    assert check("scope", label, ok), f"{label} {url}: GET {got}, POST {posted}, visible={visible}"


OBJECT_URLS = sorted(n for n, c in URLS.items() if isinstance(c, Obj))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", OBJECT_URLS)
def test_object_url_answers_404_outside_scope_and_changes_nothing(client, things, user_for, role, name):
    spec: Obj = URLS[name]
    user = user_for(role)
    client.force_login(user)
    for loc in GRIDS:
        thing = things[spec.kind][loc]
        url = reverse(name, kwargs=spec.args(thing))
        try_both(client, url, spec.post, thing, loc in ROLES[role].sees, f"page {name}")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", sorted(API_PATHS))
def test_api_operation_answers_404_outside_scope_and_changes_nothing(client, things, user_for, role, operation):
    user = user_for(role)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}
    method, template = API_PATHS[operation]
    for loc in GRIDS:
        case = things["case"][loc]
        url = template.format(number=case.number)
        visible = loc in ROLES[role].sees
        before, state = counts(), snapshot(case)
        response = client.get(url, **headers) if method == "GET" else client.post(
            url, {"rating": "satisfied", "note": "x"}, content_type="application/json", **headers)
        ok = response.status_code < 500 if visible else (response.status_code == 404 and counts() == before
                                                          and snapshot(case) == state)
        assert check("scope", f"api {operation}", ok), f"{role} {method} {url}: {response.status_code}"
