"""Reading and filing cases through /api/cases: scope, filters, cursor pages, idempotent filing, bad input."""

import datetime as dt

import pytest

from linli.cases.models import Case, CaseEvent, Status

from .conftest import INSIDE_G1, INSIDE_H1, OUTSIDE

# --- scope -------------------------------------------------------------------------------------

def test_grid_worker_lists_the_cases_of_their_grid_only(actors, make_case, api_as, tree):
    mine = make_case(area=tree.g1)
    make_case(area=tree.h1)
    numbers = [c["number"] for c in api_as(actors.worker).get("/cases").json()["items"]]
    assert numbers == [mine.number]


def test_a_case_of_another_grid_or_street_answers_404(actors, make_case, api_as):
    case = make_case()
    for outsider in (actors.other_worker, actors.other_street):
        response = api_as(outsider).get(f"/cases/{case.number}")
        assert response.status_code == 404
        assert response.json()["detail"]


def test_a_resident_sees_only_their_own_reports(actors, make_case, api_as, make_user, tree):
    own = make_case()
    neighbour = make_user("neighbour", home=tree.g1)
    other = make_case(reporter=neighbour)
    api = api_as(actors.reporter)
    assert [c["number"] for c in api.get("/cases").json()["items"]] == [own.number]
    assert api.get(f"/cases/{other.number}").status_code == 404
    assert api.get(f"/cases/{own.number}").status_code == 200


def test_a_user_without_a_person_sees_their_own_reports(categories, tree, api_as, make_case):
    from linli.core.models import User

    lone = User.objects.create_user(username="lone", password="x-secret-9")
    case = make_case(reporter=lone)
    assert api_as(lone).get(f"/cases/{case.number}").status_code == 200
    assert [c["number"] for c in api_as(lone).get("/cases", {"mine": "true"}).json()["items"]] == [case.number]


# --- detail ------------------------------------------------------------------------------------

def test_detail_shows_timeline_deadlines_and_the_actions_this_user_may_take(actors, make_case, api_as):
    case = make_case(callback_phone="13800001234")
    body = api_as(actors.community).get(f"/cases/{case.number}").json()
    assert body["status"] == "reported" and body["status_label"] == "已上报"
    assert body["category"] == {"code": "manhole-cover", "name": "井盖", "group": "公用设施"}
    assert body["area"]["code"] == tree_g1_code(case)
    assert body["accept_due"] is not None and body["created_at"].endswith("+08:00")
    assert [e["action"] for e in body["events"]] == ["report"]
    assert {a["action"] for a in body["actions"]} == {"accept", "reject"}
    assert api_as(actors.reporter).get(f"/cases/{case.number}").json()["actions"] == []


def tree_g1_code(case: Case) -> str:
    return case.area.code


def test_staff_in_scope_see_the_reporter_with_a_masked_phone(actors, make_case, api_as):
    case = make_case(callback_phone="13800001234")
    reporter = api_as(actors.community).get(f"/cases/{case.number}").json()["reporter"]
    assert reporter == {"name": "rider", "phone": "138****1234"}


def test_a_department_handler_sees_no_reporter_of_a_case_not_theirs_to_handle(actors, make_case, api_as,
                                                                             categories):
    case = make_case(category=categories.wall)  # routed to the department at once
    body = api_as(actors.dept).get(f"/cases/{case.number}").json()
    assert body["handler_department"]["code"] == "chengguan"
    assert body["reporter"] is not None  # the handler is staff acting on it
    outsider_case = make_case()
    assert api_as(actors.dept).get(f"/cases/{outsider_case.number}").status_code == 404


def test_an_unknown_case_number_is_404(actors, api_as, categories):
    assert api_as(actors.street).get("/cases/999").status_code == 404
    assert api_as(actors.street).get("/cases/" + "9" * 60).status_code == 404


# --- filters -----------------------------------------------------------------------------------

def test_list_filters_by_status_category_area_overdue_supervised_and_mine(actors, make_case, api_as, categories,
                                                                         tree, make_user):
    a = make_case(area=tree.g1)
    b = make_case(area=tree.g2, category=categories.wiring)
    c = make_case(area=tree.g2, reporter=make_user("neighbour", home=tree.g2))
    Case.objects.filter(pk=b.pk).update(status=Status.ACCEPTED, overdue=True)
    Case.objects.filter(pk=c.pk).update(supervised=True)
    api = api_as(actors.street)

    def numbers(**params):
        response = api.get("/cases", params)
        assert response.status_code == 200, response.content
        return {item["number"] for item in response.json()["items"]}

    assert numbers() == {a.number, b.number, c.number}
    assert numbers(status="accepted") == {b.number}
    assert numbers(category="tangled-wiring") == {b.number}
    assert numbers(category="order") == {b.number}  # a group code takes its children
    assert numbers(area=tree.g2.code) == {b.number, c.number}
    assert numbers(area=tree.comm_a1.code) == {a.number, b.number, c.number}
    assert numbers(overdue="true") == {b.number}
    assert numbers(supervised="true") == {c.number}
    assert numbers(supervised="false") == {a.number, b.number}
    assert api_as(actors.reporter).get("/cases", {"mine": "true"}).json()["items"][0]["number"] in {a.number,
                                                                                                   b.number}


def test_list_filters_by_creation_time(actors, make_case, api_as):
    old, new = make_case(), make_case()
    Case.objects.filter(pk=old.pk).update(created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    api = api_as(actors.street)
    after = api.get("/cases", {"created_after": "2026-06-01T00:00:00+08:00"}).json()["items"]
    before = api.get("/cases", {"created_before": "2026-06-01"}).json()["items"]
    assert [c["number"] for c in after] == [new.number]
    assert [c["number"] for c in before] == [old.number]


@pytest.mark.parametrize("params,status", [
    ({"status": "lost"}, 422),
    ({"overdue": "maybe"}, 422),
    ({"limit": "0"}, 422),
    ({"limit": "101"}, 422),
    ({"limit": "ten"}, 422),
    ({"created_after": "yesterday"}, 422),
    ({"created_after": "9999-01-01T00:00:00"}, 400),
    ({"area": "street-a"}, 400),
    ({"cursor": "not-a-cursor"}, 400),
    ({"cursor": "Yzk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ"}, 400),
])
def test_bad_list_parameters_get_a_chinese_error(actors, api_as, params, status, categories):
    response = api_as(actors.street).get("/cases", params)
    assert response.status_code == status
    detail = response.json()["detail"]
    assert isinstance(detail, str) and any("\u4e00" <= ch <= "\u9fff" for ch in detail), detail


# --- cursor pagination -------------------------------------------------------------------------

def test_cursor_pages_cover_every_case_once_over_three_pages(actors, make_case, api_as):
    created = {make_case().number for _ in range(25)}
    api = api_as(actors.street)
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 10, **({"cursor": cursor} if cursor else {})}
        body = api.get("/cases", params).json()
        pages += 1
        seen += [item["number"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert len(seen) == len(set(seen)) == 25 and set(seen) == created
    ids = list(Case.objects.filter(number__in=seen).order_by("-id").values_list("number", flat=True))
    assert seen == ids  # newest first


def test_a_case_filed_between_pages_does_not_shift_the_next_page(actors, make_case, api_as):
    first = [make_case().number for _ in range(4)]
    api = api_as(actors.street)
    page1 = api.get("/cases", {"limit": 2}).json()
    make_case()
    page2 = api.get("/cases", {"limit": 2, "cursor": page1["next_cursor"]}).json()
    assert [c["number"] for c in page1["items"] + page2["items"]] == first[::-1]


def test_the_list_runs_a_fixed_number_of_queries(actors, make_case, api_as, django_assert_max_num_queries,
                                                 categories, tree):
    api = api_as(actors.street)
    for _ in range(3):
        make_case()
    api.get("/cases")  # warm caches (locate index, content types)
    with django_assert_max_num_queries(6) as few:
        assert len(api.get("/cases").json()["items"]) == 3
    for _ in range(30):
        make_case(category=categories.wiring, area=tree.g2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get("/cases", {"limit": 100}).json()["items"]) == 33


# --- filing ------------------------------------------------------------------------------------

def test_a_resident_reports_a_problem_at_a_point(actors, api_as, categories, tree):
    response = api_as(actors.reporter).post("/cases", {
        "category": "manhole-cover", "lat": INSIDE_G1[0], "lng": INSIDE_G1[1], "description": "井盖松动"})
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(number=body["number"])
    assert case.area == tree.g1 and case.channel == "h5" and case.reporter == actors.reporter
    assert body["status"] == "reported" and body["events"][0]["action"] == "report"


def test_retrying_with_the_same_client_token_returns_the_same_case(actors, api_as, categories):
    api = api_as(actors.reporter)
    payload = {"category": "manhole-cover", "lat": INSIDE_G1[0], "lng": INSIDE_G1[1], "description": "井盖",
               "client_token": "phone-7f3a9c2e"}
    first, second = api.post("/cases", payload), api.post("/cases", payload)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["number"] == second.json()["number"]
    assert Case.objects.count() == 1


def test_two_users_may_use_the_same_client_token(actors, api_as, categories):
    payload = {"category": "manhole-cover", "lat": INSIDE_G1[0], "lng": INSIDE_G1[1], "description": "x",
               "client_token": "same-token-1"}
    assert api_as(actors.reporter).post("/cases", payload).status_code == 201
    assert api_as(actors.worker).post("/cases", payload).status_code == 201
    assert Case.objects.count() == 2


def test_a_report_by_area_code_without_a_point(actors, api_as, categories, tree):
    response = api_as(actors.reporter).post("/cases", {"category": "manhole-cover", "area": tree.comm_a1.code,
                                                       "description": "小区里"})
    assert response.status_code == 201
    assert Case.objects.get().area == tree.comm_a1


def test_script_in_the_description_is_stored_and_returned_as_plain_text(actors, api_as, categories):
    text = "<script>alert(1)</script> 井盖"
    response = api_as(actors.reporter).post("/cases", {"category": "manhole-cover", "lat": INSIDE_G1[0],
                                                       "lng": INSIDE_G1[1], "description": text})
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["description"] == text
    assert Case.objects.get().description == text


@pytest.mark.parametrize("payload,status,words", [
    ({"lat": 200, "lng": 106.5}, 400, "纬度"),
    ({"lat": 29.4, "lng": -190}, 400, "经度"),
    ({"lat": "north", "lng": 106.5}, 422, "lat"),
    ({"lat": 29.401}, 400, ""),
    ({"lat": OUTSIDE[0], "lng": OUTSIDE[1]}, 400, ""),
    ({}, 400, ""),
    ({"area": "500113001"}, 400, ""),  # a street is not a place to file in
    ({"area": "abc"}, 400, ""),
    ({"lat": 29.401, "lng": 106.501, "category": "no-such-thing"}, 400, ""),
    ({"lat": 29.401, "lng": 106.501, "category": "public-facilities"}, 400, ""),
    ({"lat": 29.401, "lng": 106.501, "description": "长" * 501}, 400, "500"),
    ({"lat": 29.401, "lng": 106.501, "description": "长" * 2001}, 422, "2000"),
    ({"lat": 29.401, "lng": 106.501, "description": 12}, 422, ""),
    ({"lat": 29.401, "lng": 106.501, "client_token": "x"}, 422, ""),
    ({"lat": 29.401, "lng": 106.501, "channel": "fax"}, 422, ""),
])
def test_bad_reports_are_refused_in_chinese_and_file_nothing(actors, api_as, categories, payload, status, words):
    body = {"category": "manhole-cover", "description": "井盖", **payload}
    response = api_as(actors.reporter).post("/cases", body)
    assert response.status_code == status, response.content
    detail = response.json()["detail"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in detail) and words in detail, detail
    assert not Case.objects.exists()


def test_a_body_that_is_not_json_is_a_clear_error(actors, api_as, categories):
    api = api_as(actors.reporter)
    response = api.client.post("/api/cases", "{not json", content_type="application/json", headers=api.headers)
    assert response.status_code in (400, 422)
    assert response.json()["detail"]
    assert not Case.objects.exists()


def test_a_resident_may_not_log_a_hotline_call(actors, api_as, categories):
    response = api_as(actors.reporter).post("/cases", {"category": "manhole-cover", "area": "500113001001001",
                                                       "channel": "hotline", "caller_name": "张三",
                                                       "callback_phone": "13800001111"})
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_hotline_duty_logs_a_call_with_the_caller(actors, api_as, categories, tree):
    api = api_as(actors.hotline)
    missing = api.post("/cases", {"category": "manhole-cover", "area": tree.g1.code, "channel": "hotline",
                                  "description": "来电"})
    assert missing.status_code == 400 and not Case.objects.exists()
    response = api.post("/cases", {"category": "manhole-cover", "area": tree.g1.code, "channel": "hotline",
                                   "description": "来电反映井盖", "caller_name": "张三",
                                   "callback_phone": "13800001111"})
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert case.channel == "hotline" and case.caller_name == "张三" and case.reporter is None
    assert CaseEvent.objects.get(case=case).actor == actors.hotline


def test_staff_may_not_log_a_call_outside_their_street(actors, api_as, categories, tree):
    response = api_as(actors.hotline).post("/cases", {
        "category": "manhole-cover", "lat": INSIDE_H1[0], "lng": INSIDE_H1[1], "channel": "patrol",
        "description": "巡查"})
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_the_detail_runs_a_fixed_number_of_queries_however_long_the_timeline(actors, make_case, api_as,
                                                                             django_assert_max_num_queries):
    case = make_case()
    api = api_as(actors.community)
    api.get(f"/cases/{case.number}")
    with django_assert_max_num_queries(12) as few:
        api.get(f"/cases/{case.number}")
    for n in range(20):
        CaseEvent.objects.create(case=case, action="support", from_status="reported", to_status="reported",
                                 actor=actors.worker if n % 2 else actors.street)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get(f"/cases/{case.number}").json()["events"]) == 21
