"""What keeps the Open311 endpoints fast: fixed query counts, bounded pages, the cached catalogue
(ETag, Last-Modified, 304, invalidation), cheap rate-limit counters and key bookkeeping."""

import datetime as dt
import uuid

import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.http import http_date

from linli.cases.models import Case, CaseEvent, CasePhoto
from linli.cases.services import file_case
from linli.core import counters
from linli.open311.models import ApiKey, ServiceAttribute

from .conftest import validate

BASE = "/open311/v2"


def many_cases(manhole, area, n: int, *, same_time: bool = False) -> list[Case]:
    """``n`` public cases in ``area``, each with an approved photo and a staff note (what per-row queries read)."""
    first = file_case(category=manhole, channel="h5", description="井盖 0", area=area, lat=29.401, lng=106.501)
    fields = {f.attname: getattr(first, f.attname) for f in Case._meta.concrete_fields
              if f.attname not in {"id", "number", "client_token"}}
    Case.objects.bulk_create([Case(**{**fields, "number": f"T{i:05d}", "description": f"井盖 {i}"})
                              for i in range(1, n)])
    cases = list(Case.objects.order_by("id"))
    if same_time:
        Case.objects.update(created_at=first.created_at)
    CasePhoto.objects.bulk_create([CasePhoto(case=c, kind="report", image=f"cases/{c.number}.jpg", uuid=uuid.uuid4(),
                                             public_approved=True) for c in cases])
    CaseEvent.objects.bulk_create([CaseEvent(case=c, action="accept", from_status="reported", to_status="accepted",
                                             note=f"已受理 {c.number}") for c in cases])
    return cases


# --- query counts: the same whatever the number of rows ----------------------------------------

@pytest.mark.parametrize("n", [5, 50])
def test_list_is_one_query_whatever_the_rows(client, services, tree, n, django_assert_num_queries):
    many_cases(services[0], tree.g1, n)
    with django_assert_num_queries(1):
        response = client.get(f"{BASE}/requests.json")
    data = response.json()
    validate(data, "requests.json")
    assert len(data) == n and all(r["media_url"].startswith("http://") for r in data)
    assert "Set-Cookie" not in response.headers and not response.cookies  # no session for an anonymous GET


LIST_CALLS = [
    "requests.json", "requests.xml", "requests.json?status=closed", "requests.json?status=open",
    "requests.json?service_code=manhole-cover,street-lamp", "requests.json?page_size=3",
    "requests.json?start_date=2000-01-01T00:00:00Z",
]


@pytest.mark.parametrize("call", LIST_CALLS)
def test_each_list_call_is_one_query_whatever_the_rows(client, services, tree, call, django_assert_num_queries):
    counts = []
    for n in (4, 40):
        Case.objects.all().delete()
        cases = many_cases(services[0], tree.g1, n)
        Case.objects.filter(pk__in=[c.pk for c in cases[::2]]).update(status="closed", closed_at=timezone.now())
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{BASE}/{call}")
        assert response.status_code == 200, response.content
        counts.append(len(queries))
    assert counts == [1, 1], counts


@pytest.mark.parametrize("n", [4, 40])
def test_ids_list_and_token_are_one_query_whatever_the_rows(client, services, tree, api_key, n,
                                                            django_assert_num_queries):
    cases = many_cases(services[0], tree.g1, n)
    numbers = ",".join(c.number for c in cases[:3])
    with django_assert_num_queries(1):
        assert len(client.get(f"{BASE}/requests.json", {"service_request_id": numbers}).json()) == 3
    token = client.post(f"{BASE}/requests.json", {"api_key": api_key[1], "service_code": "manhole-cover",
                                                  "address_string": "x"}).json()
    with django_assert_num_queries(1):
        assert client.get(f"{BASE}/tokens/{uuid.uuid4()}.json").status_code == 404
    assert token[0]["service_request_id"]


@pytest.mark.parametrize("status", ["", "open", "closed"])
@pytest.mark.parametrize("with_notes", [False, True])
def test_the_two_step_page_answers_what_one_query_did(services, tree, status, with_notes):
    """The page's ids first, then their rows: the same rows in the same order as the single query before,
    so that the JSON and XML answers are byte for byte the same."""
    from linli.open311 import formats
    from linli.open311 import services as open311

    cases = many_cases(services[0], tree.g1, 30, same_time=True)  # equal times: the id decides the order
    Case.objects.filter(pk__in=[c.pk for c in cases[::3]]).update(status="closed", closed_at=timezone.now())
    end = timezone.now()
    qs = Case.objects.filter(public_hidden=False, created_at__gte=end - dt.timedelta(days=90), created_at__lte=end)
    if status == "open":
        qs = qs.exclude(status__in=open311.CLOSED)
    elif status == "closed":
        qs = qs.filter(status__in=open311.CLOSED)
    single = list(open311.request_rows(qs.order_by("-created_at", "-id"), with_notes=with_notes)[:8])
    page = open311.find_requests({"page_size": "7", **({"status": status} if status else {})},
                                 with_notes=with_notes, now=end)
    assert page.rows == single[:7] and page.next_token == open311.page_token(single[6])
    present = open311.RequestPresenter(None, lambda url: "http://testserver" + url)
    for fmt in ("json", "xml"):
        assert (formats.render(fmt, "service_requests", [present(r) for r in page.rows])
                == formats.render(fmt, "service_requests", [present(r) for r in single[:7]]))


@pytest.mark.parametrize("n", [5, 50])
def test_list_with_a_key_is_two_queries_and_shows_staff_notes(client, services, tree, api_key, n,
                                                              django_assert_num_queries):
    cases = many_cases(services[0], tree.g1, n)
    with django_assert_num_queries(2):  # the key, the page (notes and photos as subqueries)
        data = client.get(f"{BASE}/requests.json", {"api_key": api_key[1]}).json()
    assert {r["status_notes"] for r in data} == {f"已受理 {c.number}" for c in cases}


@pytest.mark.parametrize("n", [5, 50])
def test_detail_is_one_query_whatever_the_rows(client, services, tree, n, django_assert_num_queries):
    cases = many_cases(services[0], tree.g1, n)
    with django_assert_num_queries(1):
        data = client.get(f"{BASE}/requests/{cases[-1].number}.json").json()
    validate(data, "requests.json")
    assert data[0]["service_request_id"] == cases[-1].number and data[0]["media_url"]


@pytest.mark.parametrize("n", [5, 50])
def test_catalogue_is_read_once_then_served_without_queries(client, services, tree, n, django_assert_num_queries):
    many_cases(services[0], tree.g1, n)
    with django_assert_num_queries(2):  # categories, their attributes
        assert client.get(f"{BASE}/services.json").status_code == 200
    with django_assert_num_queries(0):
        validate(client.get(f"{BASE}/services.json").json(), "services.json")
    with django_assert_num_queries(2):
        client.get(f"{BASE}/services/street-lamp.json")
    with django_assert_num_queries(0):
        validate(client.get(f"{BASE}/services/street-lamp.json").json(), "service-definition.json")


def _post_statements(client, raw) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"{BASE}/requests.json", {"api_key": raw, "service_code": "manhole-cover",
                                                         "lat": "29.401", "long": "106.501", "description": "井盖"})
    assert response.status_code == 200, response.content
    return [q["sql"] for q in queries.captured_queries]


def _post_queries(client, raw) -> int:
    return len(_post_statements(client, raw))


# Before the write transaction, reads only: the holidays' stamp (the deadline) and, in the tests, the grids'
# stamp on each locate() (2).  In it (here a savepoint in the test's transaction, in service BEGIN IMMEDIATE
# and COMMIT), the writes only: the day's number (one upsert), the case, its event, the daily rollup's row
# (one upsert), the Open311 request.  The key, the street's review setting, the category and the areas come
# from this process's copies; the new case needs no retry check.
POST_STATEMENTS = 10
WRITE_TRANSACTION = ("INSERT INTO \"cases_casecounter\"", "INSERT INTO \"cases_case\"",
                     "INSERT INTO \"cases_caseevent\"", "INSERT INTO \"reports_caseday\"",
                     "INSERT INTO \"open311_open311request\"")


def test_post_queries_do_not_grow_with_the_rows(client, services, tree, api_key):
    key, raw = api_key
    _post_queries(client, raw)  # the first one also writes the key's last_used_at and starts the day's counter
    few = _post_queries(client, raw)
    many_cases(services[0], tree.g2, 50)
    assert _post_queries(client, raw) == few == POST_STATEMENTS, few


def test_post_holds_the_write_transaction_for_the_writes_only(client, services, tree, api_key):
    raw = api_key[1]
    _post_queries(client, raw)
    statements = _post_statements(client, raw)
    begin = next(i for i, sql in enumerate(statements) if sql.startswith("SAVEPOINT"))
    end = next(i for i, sql in enumerate(statements) if sql.startswith("RELEASE SAVEPOINT"))
    inside = statements[begin + 1:end]
    assert [sql[:len(w)] for sql, w in zip(inside, WRITE_TRANSACTION, strict=True)] == list(WRITE_TRANSACTION)
    assert all(sql.startswith("SELECT") for sql in statements[:begin]) and end == len(statements) - 1


@pytest.mark.parametrize("params", [
    {}, {"status": "open"}, {"status": "closed"}, {"status": "open,closed"}, {"service_code": "manhole-cover"},
    {"service_code": "street-lamp,manhole-cover,street-lamp"}, {"page_size": "3"},
])
@pytest.mark.parametrize("with_notes", [False, True])
def test_the_prepared_list_answers_what_the_orm_query_does(services, tree, params, with_notes):
    from linli.open311 import services as open311

    cases = many_cases(services[0], tree.g1, 8)
    Case.objects.filter(pk__in=[c.pk for c in cases[:3]]).update(status="closed", closed_at=timezone.now())
    Case.objects.filter(pk=cases[3].pk).update(public_hidden=True)
    page = open311.find_requests(params, with_notes=with_notes)
    end = timezone.now()
    codes = list(dict.fromkeys(filter(None, params.get("service_code", "").split(","))))
    status = params.get("status", "all") if "," not in params.get("status", "") else "all"
    expected = list(open311._page_query(with_notes=with_notes, size=100, paged=False, status=status,
                                        start=end - dt.timedelta(days=90), end=end, codes=codes))
    assert page.rows == expected[: len(page.rows)] and page.rows
    assert all(r["created_at"].tzinfo is not None for r in page.rows)
    again = open311.find_requests({**params, "page": page.next_token} if page.next_token else params,
                                  with_notes=with_notes)  # the next page, or the same one from the prepared copy
    assert again.rows == (expected[len(page.rows):] if page.next_token else page.rows)[: len(again.rows)]


def test_the_prepared_detail_and_id_list_answer_what_the_orm_does(services, tree):
    from linli.open311 import services as open311

    cases = many_cases(services[0], tree.g1, 4)
    orm = {r["number"]: r for r in open311.request_rows(Case.objects.all(), with_notes=True)}
    assert open311.get_request(cases[1].number, with_notes=True) == orm[cases[1].number]
    numbers = f"{cases[0].number},{cases[2].number},{cases[0].number},nope"
    assert open311.find_requests({"service_request_id": numbers}, with_notes=True).rows == [
        orm[cases[2].number], orm[cases[0].number]]


# --- the list: bounded pages in keyset order ---------------------------------------------------

def test_pages_follow_the_link_header_without_gaps_or_repeats(client, services, tree):
    cases = many_cases(services[0], tree.g1, 25, same_time=True)  # equal times: the id breaks the tie
    seen, url, pages = [], f"{BASE}/requests.json?page_size=10", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        data = response.json()
        validate(data, "requests.json")
        seen += [r["service_request_id"] for r in data]
        link = response.headers.get("Link")
        url = link[link.index("<") + 1:link.index(">")] if link else None
        pages += 1
    assert pages == 3 and seen == [c.number for c in sorted(cases, key=lambda c: -c.pk)]


def test_default_page_is_bounded(client, services, tree, settings):
    from linli.open311 import services as open311

    many_cases(services[0], tree.g1, 12)
    original = open311.DEFAULT_PAGE_SIZE
    open311.DEFAULT_PAGE_SIZE = 5
    try:
        response = client.get(f"{BASE}/requests.json")
    finally:
        open311.DEFAULT_PAGE_SIZE = original
    assert len(response.json()) == 5 and 'rel="next"' in response["Link"]
    assert len(client.get(f"{BASE}/requests.json?page_size=1000").json()) == 12


def test_old_cases_stay_outside_the_default_window(client, services, tree):
    cases = many_cases(services[0], tree.g1, 5)
    Case.objects.filter(pk=cases[0].pk).update(created_at=timezone.now() - dt.timedelta(days=91))
    assert cases[0].number not in {r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()}


@pytest.mark.parametrize("query", ["page_size=0", "page_size=1001", "page_size=ten", "page_size=-1",
                                   "page=abc", "page=1-", "page=-5", "page=99999999999999999999-1"])
def test_bad_paging_is_400(client, services, tree, query):
    many_cases(services[0], tree.g1, 3)
    response = client.get(f"{BASE}/requests.json?{query}")
    assert response.status_code == 400 and response.json()[0]["code"] == 400


# --- the catalogue: ETag, Last-Modified, 304, invalidation -------------------------------------

def test_catalogue_revalidates_with_etag_and_last_modified(client, services, django_assert_num_queries):
    first = client.get(f"{BASE}/services.json")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag and modified and "no-cache" in first["Cache-Control"]
    with django_assert_num_queries(0):
        again = client.get(f"{BASE}/services.json", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert client.get(f"{BASE}/services.json", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get(f"{BASE}/services.json", HTTP_IF_NONE_MATCH='"other"').status_code == 200
    older = http_date(1_000_000_000)
    assert client.get(f"{BASE}/services.json", HTTP_IF_MODIFIED_SINCE=older).status_code == 200
    xml = client.get(f"{BASE}/services.xml")
    assert xml["ETag"] != etag and xml.content.startswith(b"<?xml")


def test_a_changed_category_invalidates_the_catalogue(client, services):
    manhole, lamp = services
    first = client.get(f"{BASE}/services.json")
    manhole.name = "井盖（改）"
    manhole.save()
    changed = client.get(f"{BASE}/services.json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert changed["Last-Modified"] != first["Last-Modified"]
    assert "井盖（改）" in {s["service_name"] for s in changed.json()}
    manhole.active = False
    manhole.save()
    assert "manhole-cover" not in {s["service_code"] for s in client.get(f"{BASE}/services.json").json()}


def test_a_changed_attribute_invalidates_the_definition(client, services):
    lamp = services[1]
    first = client.get(f"{BASE}/services/street-lamp.json")
    ServiceAttribute.objects.get(category=lamp, code="height").delete()
    changed = client.get(f"{BASE}/services/street-lamp.json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and "height" not in {a["code"] for a in changed.json()["attributes"]}


def test_another_process_sees_the_change_through_the_shared_version(client, services):
    from linli.open311 import catalogue

    client.get(f"{BASE}/services.json")
    version = cache.get(catalogue.VERSION_KEY)
    services[0].save()  # here: copies dropped at once, and the shared version moved for the others
    assert cache.get(catalogue.VERSION_KEY) > version


# --- rate-limit counters and API keys ------------------------------------------------------------

def test_batched_counter_touches_the_shared_cache_once_per_step():
    counters.forget_local()
    cache.clear()
    key, limit = "t:batched", 100  # a step of 5
    counts = [counters.bump_batched(key, 60, limit) for _ in range(12)]
    assert counts == list(range(1, 13)) and cache.get(key) == 10  # two batches sent, two calls pending here
    counters.forget_local()  # another process: starts from the shared total once it sends
    assert [counters.bump_batched(key, 60, limit) for _ in range(5)][-1] == 15


def test_batched_counter_is_exact_near_the_limit():
    counters.forget_local()
    cache.clear()
    cache.set("t:near", 95, 60)  # the other processes have used 95 of 100
    counts = [counters.bump_batched("t:near", 60, 100) for _ in range(7)]
    assert counts[-1] > 100 and cache.get("t:near") >= 101


def test_a_busy_key_writes_its_last_use_once_per_five_minutes(client, services, api_key, monkeypatch):
    from linli.open311 import services as open311

    key, raw = api_key

    def post() -> None:
        client.post(f"{BASE}/requests.json", {"api_key": raw, "service_code": "manhole-cover", "address_string": "x"})

    post()
    used = ApiKey.objects.get(pk=key.pk).last_used_at
    assert used is not None
    post()
    post()
    assert ApiKey.objects.get(pk=key.pk).last_used_at == used  # the key's row is not written on every report
    later = timezone.now() + dt.timedelta(minutes=6)
    monkeypatch.setattr(open311.timezone, "now", lambda: later)
    post()
    assert ApiKey.objects.get(pk=key.pk).last_used_at == later


def test_a_key_is_read_once_per_process_and_a_change_is_seen_at_once(client, services, api_key,
                                                                      django_assert_num_queries):
    key, raw = api_key
    client.get(f"{BASE}/requests.json", {"api_key": raw})
    with django_assert_num_queries(1):  # the page; the key comes from this process's copy
        assert client.get(f"{BASE}/requests.json", {"api_key": raw}).status_code == 200
    key.contact = "城市应用"  # any save of a key drops the copies
    key.save()
    with django_assert_num_queries(2):
        client.get(f"{BASE}/requests.json", {"api_key": raw})
    assert client.get(f"{BASE}/requests.json", {"api_key": "nope" * 10}).status_code == 200  # unknown: anonymous


def test_a_revoked_key_is_refused_at_once(client, services, api_key):
    key, raw = api_key
    assert client.post(f"{BASE}/requests.json", {"api_key": raw, "service_code": "manhole-cover",
                                                 "address_string": "x"}).status_code == 200
    key.revoke()
    assert client.post(f"{BASE}/requests.json", {"api_key": raw, "service_code": "manhole-cover",
                                                 "address_string": "x"}).status_code == 403


# --- the WSGI application: read-only Open311 calls on the shorter middleware stack -------------

def _wsgi(method: str, path: str, **headers) -> tuple[str, dict, bytes]:
    from wsgiref.util import setup_testing_defaults

    from django.core import signals
    from django.db import close_old_connections

    from linli.wsgi import application

    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "HTTP_HOST": "testserver", **headers}
    setup_testing_defaults(environ)
    answer: dict = {}
    signals.request_started.disconnect(close_old_connections)  # keep the test's transaction open
    signals.request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(application(environ, lambda status, head: answer.update(status=status, head=dict(head))))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return answer["status"], answer["head"], body


def test_a_read_only_call_takes_the_short_stack_with_the_security_headers(services, tree):
    import linli.wsgi

    status, head, body = _wsgi("GET", f"{BASE}/services.json", HTTP_COOKIE="sessionid=whatever")
    assert status.startswith("200") and b"manhole-cover" in body
    assert head["X-Content-Type-Options"] == "nosniff" and head["X-Frame-Options"] == "DENY"
    assert head["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert "Permissions-Policy" in head
    assert "Set-Cookie" not in head and "Cookie" not in head.get("Vary", "")
    status, head, body = _wsgi("GET", f"{BASE}/requests/nope.json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert status.startswith("404") and "服务请求" in body.decode()  # the language still follows the client
    assert _wsgi("GET", f"{BASE}/requests.json", QUERY_STRING="a=%01")[0].startswith("400")  # control characters
    handlers = {type(m).__name__ for m in _chain(linli.wsgi.api)}
    assert "SessionMiddleware" not in handlers and "CSPMiddleware" not in handlers
    assert "SessionMiddleware" in {type(m).__name__ for m in _chain(linli.wsgi.web)}


def _chain(handler) -> list:
    """The middleware instances of a handler, outermost first."""
    found, node = [], handler._middleware_chain
    while node is not None:
        inner = getattr(node, "__wrapped__", node)
        found.append(inner)
        node = getattr(inner, "get_response", None)
    return found


# --- the list's local times and the writers' queue ----------------------------------------------

@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York", "Australia/Lord_Howe"])
def test_local_times_match_the_named_zone_across_offset_changes(zone, settings):
    from django.utils import timezone as tz

    from linli.open311.services import RequestPresenter

    start = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)  # the spring changes of New York and Lord Howe (30 min)
    moments = [start + dt.timedelta(minutes=7 * i) for i in range(0, 60 * 24 * 40 // 7)]
    with tz.override(zone):
        present = RequestPresenter(None, str)
        assert [present._iso(m) for m in moments] == [
            m.astimezone(tz.get_current_timezone()).isoformat(timespec="seconds") for m in moments]


def test_sqlite_writers_of_two_processes_take_turns(tmp_path, settings):
    import fcntl
    import os

    from django.db import connection

    from linli.core import writelock

    if connection.vendor != "sqlite":
        pytest.skip("on PostgreSQL serialised() does nothing")
    settings.LINLI_HOME = tmp_path
    writelock._file.update(pid=0, fd=-1)
    with writelock.serialised():
        other = os.open(tmp_path / "write.lock", os.O_RDWR)  # another process's own open of the file
        with pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again once the block is left
    os.close(other)
